// Hostile: reports who it runs as (uid, capabilities, no_new_privs) and tries to write into the
// read-only parts of its root: /usr and its own artifact directory /fn. A file it manages to
// create is removed at once.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The capability sets as /proc/self/status prints them (the sandbox has no /proc: ask the kernel). */
static void capabilities(char *effective, char *permitted, size_t size) {
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &header, data) != 0) {
        snprintf(effective, size, "?");
        snprintf(permitted, size, "?");
        return;
    }
    snprintf(effective, size, "%08x%08x", data[1].effective, data[0].effective);
    snprintf(permitted, size, "%08x%08x", data[1].permitted, data[0].permitted);
}

/** Creates dir/name; "created" if that worked (and the file is removed again), else the errno's name. */
static const char *try_create(const char *dir) {
    char path[512];
    snprintf(path, sizeof path, "%s/sandbox-probe-%d", dir, (int) getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        return strerrorname_np(errno);
    }
    close(fd);
    unlink(path);
    return "created";
}

int main(void) {
    char capEff[64], capPrm[64], noNewPrivs[16];
    capabilities(capEff, capPrm, sizeof capEff);
    snprintf(noNewPrivs, sizeof noNewPrivs, "%d", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    struct stat fn;
    int fnIsDir = stat("/fn", &fn) == 0 && S_ISDIR(fn.st_mode);
    const char *usr = try_create("/usr");
    const char *fnWrite = try_create("/fn");
    printf("{\"uid\":%d,\"euid\":%d,\"gid\":%d,\"capEff\":\"%s\",\"capPrm\":\"%s\",\"noNewPrivs\":\"%s\","
           "\"fnIsDirectory\":%s,\"writeUsr\":\"%s\",\"writeFn\":\"%s\"}\n",
           (int) getuid(), (int) geteuid(), (int) getgid(), capEff, capPrm, noNewPrivs,
           fnIsDir ? "true" : "false", usr, fnWrite);
    return 0;
}
