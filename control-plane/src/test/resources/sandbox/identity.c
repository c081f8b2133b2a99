// Hostile: reports who it runs as (uid, capabilities, no_new_privs) and tries to write into the
// read-only parts of its root: /usr and its own artifact directory /fn. A file it manages to
// create is removed at once.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void status_field(const char *name, char *out, size_t size) {
    snprintf(out, size, "?");
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        return;
    }
    char line[512];
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            char *v = line + len + 1;
            v += strspn(v, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, size, "%s", v);
            break;
        }
    }
    fclose(f);
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
    status_field("CapEff", capEff, sizeof capEff);
    status_field("CapPrm", capPrm, sizeof capPrm);
    status_field("NoNewPrivs", noNewPrivs, sizeof noNewPrivs);
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
