/*
 * faas-limit: the worker's launcher for one function process.
 *
 *   faas-limit <data-bytes> <cpu-seconds> <prog> [args...]
 *       applies the limits, makes itself a process-group leader and becomes <prog>.
 *   faas-limit --killpg <pgid>
 *       sends SIGKILL to a whole process group (Java has no killpg).
 *
 * Why a C launcher: the JVM cannot set rlimits or a process group on the child it starts,
 * and limits set here survive the exec, so they bind the interpreter or binary itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static int parse_number(const char *text, unsigned long long *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0') {
        return -1;
    }
    *out = v;
    return 0;
}

static int set_limit(int resource, unsigned long long value, const char *name) {
    struct rlimit rl = { .rlim_cur = (rlim_t) value, .rlim_max = (rlim_t) value };
    if (setrlimit(resource, &rl) != 0) {
        fprintf(stderr, "faas-limit: setrlimit(%s, %llu): %s\n", name, value, strerror(errno));
        return -1;
    }
    return 0;
}

static int kill_group(const char *pgid_text) {
    unsigned long long pgid;
    if (parse_number(pgid_text, &pgid) != 0 || pgid < 2) {
        fprintf(stderr, "faas-limit: bad process group '%s'\n", pgid_text);
        return 2;
    }
    if (kill(-(pid_t) pgid, SIGKILL) != 0 && errno != ESRCH) {
        fprintf(stderr, "faas-limit: kill(-%llu): %s\n", pgid, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--killpg") == 0) {
        return kill_group(argv[2]);
    }
    if (argc < 4) {
        fprintf(stderr, "usage: faas-limit <data-bytes> <cpu-seconds> <prog> [args...]\n"
                        "       faas-limit --killpg <pgid>\n");
        return 2;
    }
    unsigned long long data_bytes, cpu_seconds;
    if (parse_number(argv[1], &data_bytes) != 0 || parse_number(argv[2], &cpu_seconds) != 0) {
        fprintf(stderr, "faas-limit: limits must be decimal numbers\n");
        return 2;
    }
    /* RLIMIT_DATA covers brk and private anonymous mmap since Linux 4.7: the heap of php,
     * python and malloc-based C. RLIMIT_AS is left alone: interpreters map large shared
     * libraries and reserve address space they never touch, so AS limits fail them early. */
    if (data_bytes > 0 && set_limit(RLIMIT_DATA, data_bytes, "RLIMIT_DATA") != 0) {
        return 127;
    }
    if (set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE") != 0) {
        return 127;
    }
    /* A backstop only: the worker's wall-clock deadline normally kills the tree first. */
    if (cpu_seconds > 0 && set_limit(RLIMIT_CPU, cpu_seconds, "RLIMIT_CPU") != 0) {
        return 127;
    }
    /* Its own process group, so the worker can kill everything it forks in one call. */
    if (setpgid(0, 0) != 0) {
        fprintf(stderr, "faas-limit: setpgid: %s\n", strerror(errno));
        return 127;
    }
    /* If the worker dies without cleaning up (kill -9), take the function with it. */
    pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        return 127;
    }
    execvp(argv[3], &argv[3]);
    fprintf(stderr, "faas-limit: cannot execute %s: %s\n", argv[3], strerror(errno));
    return 127;
}
