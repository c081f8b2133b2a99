// Hostile: writes into its temp directory until the platform stops it, in 64 KiB chunks, and
// reports how much it wrote and the errno that stopped it. It stops by itself at SAFETY_LIMIT so
// that on a platform without a cap the test cannot fill the host's disk. It leaves the file in
// place and says whether one from an earlier call was still there: /tmp must be private per call.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define SAFETY_LIMIT (16L * 1024 * 1024)

int main(void) {
    signal(SIGXFSZ, SIG_IGN); // past RLIMIT_FSIZE: EFBIG instead of being killed
    const char *tmpdir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/sandbox-fill", tmpdir == NULL ? "/tmp" : tmpdir);
    char cwd[4096];
    if (getcwd(cwd, sizeof cwd) == NULL) {
        strcpy(cwd, "?");
    }
    int existed = access(path, F_OK) == 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        printf("{\"cwd\":\"%s\",\"tmpdir\":\"%s\",\"existedBefore\":%s,\"written\":0,\"errno\":\"%s\",\"stage\":\"open\"}\n",
               cwd, tmpdir == NULL ? "" : tmpdir, existed ? "true" : "false", strerrorname_np(errno));
        return 0;
    }
    static char chunk[CHUNK];
    memset(chunk, 'x', sizeof chunk);
    long written = 0;
    int err = 0;
    while (written < SAFETY_LIMIT) {
        ssize_t n = write(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            err = errno;
            break;
        }
        written += n;
    }
    if (err == 0 && fsync(fd) != 0) {
        err = errno; // tmpfs reports no space at write; a disk may only at flush
    }
    close(fd);
    printf("{\"cwd\":\"%s\",\"tmpdir\":\"%s\",\"existedBefore\":%s,\"written\":%ld,\"errno\":%s%s%s}\n",
           cwd, tmpdir == NULL ? "" : tmpdir, existed ? "true" : "false", written,
           err == 0 ? "" : "\"", err == 0 ? "null" : strerrorname_np(err), err == 0 ? "" : "\"");
    return 0;
}
