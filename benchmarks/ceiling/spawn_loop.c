/*
 * Bare process-start ceiling: T threads, each starting the target over and over for D seconds:
 * pipe for stdin and stdout, fork (or posix_spawn with -s), exec, write the body to the child's
 * stdin, read its stdout to EOF, waitpid. Prints one JSON line with the starts per second.
 *
 *   spawn_loop [-t threads] [-d seconds] [-i stdin-file] [-s] -- /path/to/prog [args...]
 *
 * Build: gcc -O2 -pthread -o spawn_loop spawn_loop.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static char **target;
static const char *body = "";
static size_t body_len = 0;
static int use_spawn = 0;
static double deadline;

typedef struct {
    long starts;
    long failures;
    double lat_sum_ms;
} result_t;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One start: returns the child's exit status, or -1 when the start itself failed. */
static int run_once(void) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) return -1;
    pid_t pid;
    if (use_spawn) {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        int rc = posix_spawn(&pid, target[0], &fa, NULL, target, environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc) pid = -1;
    } else {
        pid = fork();
        if (pid == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            execv(target[0], target);
            _exit(127);
        }
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    size_t off = 0;
    while (off < body_len) {
        ssize_t w = write(in[1], body + off, body_len - off);
        if (w <= 0) break; /* the child may exit without reading (EPIPE) */
        off += (size_t) w;
    }
    close(in[1]);
    char buf[8192];
    while (read(out[0], buf, sizeof buf) > 0) {
    }
    close(out[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void *worker(void *arg) {
    result_t *r = arg;
    while (now() < deadline) {
        double t0 = now();
        int rc = run_once();
        r->lat_sum_ms += (now() - t0) * 1000;
        if (rc == 0) r->starts++; else r->failures++;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = (int) sysconf(_SC_NPROCESSORS_ONLN);
    double seconds = 5;
    const char *input = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "t:d:i:s")) != -1) {
        switch (opt) {
            case 't': threads = atoi(optarg); break;
            case 'd': seconds = atof(optarg); break;
            case 'i': input = optarg; break;
            case 's': use_spawn = 1; break;
            default:
                fprintf(stderr, "usage: %s [-t threads] [-d seconds] [-i stdin-file] [-s] -- prog [args...]\n", argv[0]);
                return 2;
        }
    }
    if (optind >= argc || threads < 1) {
        fprintf(stderr, "usage: %s [-t threads] [-d seconds] [-i stdin-file] [-s] -- prog [args...]\n", argv[0]);
        return 2;
    }
    target = argv + optind;
    if (input) {
        FILE *f = fopen(input, "rb");
        if (!f) { perror(input); return 2; }
        fseek(f, 0, SEEK_END);
        body_len = (size_t) ftell(f);
        rewind(f);
        char *b = malloc(body_len + 1);
        if (!b || fread(b, 1, body_len, f) != body_len) { perror(input); return 2; }
        fclose(f);
        body = b;
    }
    signal(SIGPIPE, SIG_IGN);
    if (run_once() != 0) {
        fprintf(stderr, "spawn_loop: a first run of %s did not exit 0\n", target[0]);
        return 1;
    }

    pthread_t *tids = calloc(threads, sizeof *tids);
    result_t *res = calloc(threads, sizeof *res);
    double t0 = now();
    deadline = t0 + seconds;
    for (int i = 0; i < threads; i++) pthread_create(&tids[i], NULL, worker, &res[i]);
    long starts = 0, failures = 0;
    double lat = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
        starts += res[i].starts;
        failures += res[i].failures;
        lat += res[i].lat_sum_ms;
    }
    double elapsed = now() - t0;
    printf("{\"mode\":\"%s\",\"threads\":%d,\"seconds\":%.3f,\"starts\":%ld,\"failures\":%ld,"
           "\"starts_per_sec\":%.1f,\"mean_ms\":%.3f}\n",
           use_spawn ? "posix_spawn" : "fork", threads, elapsed, starts, failures,
           starts / elapsed, starts + failures ? lat / (starts + failures) : 0.0);
    return 0;
}
