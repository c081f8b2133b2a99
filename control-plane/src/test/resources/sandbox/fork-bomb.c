// Hostile: a fork bomb. Every process forks as fast as it can for HOLD_MS milliseconds, children
// included, then exits; the first process then reports how many forks succeeded and how many
// failed with EAGAIN. A shared counter stops the tree at SAFETY_LIMIT processes, so that even on
// a platform without a process cap this test cannot exhaust the host's process table.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOLD_MS 1500
#define SAFETY_LIMIT 200

struct counters {
    long reserved; // forks attempted or about to be, bounded by SAFETY_LIMIT
    long forks;    // forks that succeeded
    long eagain;   // forks refused with EAGAIN
    long other;    // forks refused otherwise
    int other_errno;
};

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

int main(void) {
    struct counters *c = mmap(NULL, sizeof *c, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (c == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pid_t first = getpid();
    long deadline = now_ms() + HOLD_MS;
    while (now_ms() < deadline) {
        if (__atomic_add_fetch(&c->reserved, 1, __ATOMIC_SEQ_CST) > SAFETY_LIMIT) {
            __atomic_sub_fetch(&c->reserved, 1, __ATOMIC_SEQ_CST);
            usleep(10000);
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
            // a child of the bomb: keeps no pipe of the call open, and bombs on
            close(0);
            close(1);
            close(2);
            continue;
        }
        if (pid > 0) {
            __atomic_add_fetch(&c->forks, 1, __ATOMIC_SEQ_CST);
            continue;
        }
        __atomic_sub_fetch(&c->reserved, 1, __ATOMIC_SEQ_CST);
        if (errno == EAGAIN) {
            __atomic_add_fetch(&c->eagain, 1, __ATOMIC_SEQ_CST);
        } else {
            __atomic_add_fetch(&c->other, 1, __ATOMIC_SEQ_CST);
            c->other_errno = errno;
        }
        usleep(1000);
    }
    // every process reaps its own children, so none is left behind as a zombie for init
    while (wait(NULL) > 0 || errno == EINTR) {
    }
    if (getpid() != first) {
        _exit(0);
    }
    printf("{\"forks\":%ld,\"eagain\":%ld,\"otherErrors\":%ld,\"otherErrno\":\"%s\"}\n",
           __atomic_load_n(&c->forks, __ATOMIC_SEQ_CST), __atomic_load_n(&c->eagain, __ATOMIC_SEQ_CST),
           __atomic_load_n(&c->other, __ATOMIC_SEQ_CST), c->other == 0 ? "" : strerrorname_np(c->other_errno));
    return 0;
}
