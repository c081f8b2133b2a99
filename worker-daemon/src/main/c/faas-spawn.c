/*
 * faas-spawn: the worker's fork server. The worker starts it once; it forks every function process.
 *
 *   faas-spawn <socket-path> [--sandbox <root-dir> <share-dir> <uid-base> <uid-count> <memory-mb>]
 *   faas-spawn --probe <root-dir>        prints what isolation this host allows, one line
 *   faas-spawn --bench <root-dir> <count> <program>   median per-start cost of the sandbox
 *   faas-spawn --run <root-dir> <uid> <tmp-mb> <processes> <memory-mb> <cpu-seconds> <dir> -- argv...
 *                                        runs one build tool sandboxed, <dir> writable at /build
 *
 * Why: starting a process from the JVM costs ~0.65 ms (VFORK) to ~1.15 ms (posix_spawn through
 * jspawnhelper) before the function even runs, and the old launcher (faas-limit) added a second
 * exec of a dynamically linked binary per request. Here the child is started with a vfork-style
 * clone and the limits are applied between it and the one execve.
 *
 * Life cycle: binds <socket-path>, prints "ready\n" on stdout, accepts exactly one connection (the
 * worker), then unlinks the path so nobody else can connect. End of file on stdin (the worker's
 * pipe; also after kill -9 of the worker) or on the connection kills every child's process group
 * and exits. PR_SET_PDEATHSIG is a backstop for the same.
 *
 * Protocol on the connection, all integers little-endian (see worker-daemon/README.md):
 *   request  = u32 length of the rest, u8 type, payload
 *     SPAWN (1): u32 tag, u64 data-limit bytes (0 = none), u32 cpu seconds (0 = none), u8 flags
 *                (bit 0: give the child an extra pipe on fd 3; bit 1: no network; bit 2: send a
 *                USAGE reply before its EXIT; bit 3: handler mode, the child's stdout goes to
 *                its stderr file and it writes its answers on fd 3, a pipe read by the worker
 *                in the place of its stdout), u32 tmp MB,
 *                u32 process cap, u32 argc, u32 envc, then argc + envc + 2 NUL-terminated strings:
 *                argv..., envp..., cwd, function directory. Exactly one descriptor attached
 *                (SCM_RIGHTS): the child's stderr. With --sandbox, cwd and argv are paths inside
 *                the sandbox and the function directory (a host path) is shown read-only at /fn;
 *                without, the function directory is ignored and the tmp and process caps too.
 *     KILL  (2): u32 pgid: SIGKILL to that group, only if its leader is a live child of ours.
 *   reply    = 16 bytes: i32 type, i32 a, i32 b, i32 c
 *     SPAWNED (1): tag, pid (or -errno), 0; on success the parent ends of the pipes attached:
 *                  child's stdin (write end), child's stdout (read end)[, child's fd 3 (write end)]
 *     EXIT    (2): pid, raw wait status, 0. Always after that pid's SPAWNED.
 *     USAGE   (3): pid, CPU microseconds (user + system, saturated at INT32_MAX), peak RSS in KB.
 *                  Only for a SPAWN with flag bit 2, and then right before that pid's EXIT (both in
 *                  one write): a reader that never sets the flag never sees one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"

enum { REQ_SPAWN = 1, REQ_KILL = 2, REP_SPAWNED = 1, REP_EXIT = 2, REP_USAGE = 3 };
enum { FLAG_FD3_PIPE = 1, FLAG_NO_NETWORK = 2, FLAG_USAGE = 4, FLAG_ANSWER_FD3 = 8 };
enum { SPAWN_FIXED_BYTES = 33 };
enum { MAX_REQUEST = 4 << 20, MAX_FDS_QUEUED = 64, MAX_STRINGS = 65536 };

static int conn = -1;
static struct sandbox sandbox;

/* --- sandbox slots: each live child holds one, which is its uid --- */
static pid_t *slot_owner;

/*
 * The lowest free slot, unless a free one shows this function already. Slots are made at first use
 * and kept (a mount namespace, a /tmp, a cpu group, a launcher each), so taking the lowest keeps as
 * many as calls were ever alive at once, not uid-count of them. Reusing a uid soon costs nothing:
 * nothing a call makes outlives it under its uid (its PID and IPC namespaces go with it, /tmp is
 * emptied, key rings are refused).
 */
static int slot_take(const char *function_dir) {
    int lowest_free = -1;
    for (unsigned i = 0; i < sandbox.uid_count; i++) {
        if (slot_owner[i] != 0) continue;
        if (sandbox_slot_shows(&sandbox, i, function_dir)) {
            lowest_free = (int) i;
            break;
        }
        if (lowest_free < 0) lowest_free = (int) i;
    }
    if (lowest_free >= 0) slot_owner[lowest_free] = -1;
    return lowest_free;
}

/* exit code 127 is the child's own "could not start" (see fail_child) */
static void slot_free_of(pid_t pid, int status) {
    if (!sandbox.active) return;
    for (unsigned i = 0; i < sandbox.uid_count; i++) {
        if (slot_owner[i] == pid) {
            sandbox_slot_reset(&sandbox, i, WIFEXITED(status) && WEXITSTATUS(status) == 127);
            slot_owner[i] = 0;
            return;
        }
    }
}

/* --- live children: pids we forked and have not reaped yet, and whether they want USAGE --- */
struct child { pid_t pid; int usage; };
static struct child *children;
static size_t child_count, child_cap;

static void child_add(pid_t pid, int usage) {
    if (child_count == child_cap) {
        child_cap = child_cap ? child_cap * 2 : 64;
        children = realloc(children, child_cap * sizeof *children);
        if (!children) { perror("faas-spawn: realloc"); exit(1); }
    }
    children[child_count++] = (struct child) { pid, usage };
}

/* 0: not ours; 1: ours; 2: ours and its USAGE was asked for */
static int child_remove(pid_t pid) {
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].pid == pid) {
            int usage = children[i].usage;
            children[i] = children[--child_count];
            return usage ? 2 : 1;
        }
    }
    return 0;
}

static int child_known(pid_t pid) {
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].pid == pid) return 1;
    }
    return 0;
}

static void kill_all_and_exit(int code) {
    for (size_t i = 0; i < child_count; i++) {
        kill(-children[i].pid, SIGKILL);
        kill(children[i].pid, SIGKILL); /* a PID namespace's init: everything in it dies too */
    }
    if (sandbox.active) {
        for (size_t i = 0; i < child_count; i++) waitpid(children[i].pid, NULL, 0); /* so the cgroup empties */
        sandbox_release(&sandbox);
    }
    _exit(code);
}

/* --- descriptors received with requests, matched to SPAWN requests in order --- */
static int fd_queue[MAX_FDS_QUEUED];
static size_t fd_head, fd_len;

static void fd_push(int fd) {
    if (fd_len == MAX_FDS_QUEUED) { close(fd); return; }
    fd_queue[(fd_head + fd_len++) % MAX_FDS_QUEUED] = fd;
}

static int fd_pop(void) {
    if (fd_len == 0) return -1;
    int fd = fd_queue[fd_head];
    fd_head = (fd_head + 1) % MAX_FDS_QUEUED;
    fd_len--;
    return fd;
}

/* --- replies --- */
static void send_reply(int32_t type, int32_t a, int32_t b, const int *fds, int nfds) {
    int32_t msg[4] = { type, a, b, 0 };
    struct iovec iov = { .iov_base = msg, .iov_len = sizeof msg };
    char control[CMSG_SPACE(3 * sizeof(int))];
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (nfds > 0) {
        memset(control, 0, sizeof control);
        mh.msg_control = control;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    }
    ssize_t n;
    do { n = sendmsg(conn, &mh, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n != (ssize_t) sizeof msg) kill_all_and_exit(3); /* the worker is gone or broken */
}

static int32_t saturated(uint64_t value) {
    return value > INT32_MAX ? INT32_MAX : (int32_t) value;
}

/*
 * USAGE then EXIT in one write (no descriptors ride on either, so the reader's fixed 16-byte reads
 * split them as usual). The rusage wait4 gives is the child's own plus that of every descendant it
 * waited for. Sandboxed, the child is its PID namespace's init, so orphans are reparented to it and
 * count once it reaps them; not covered: descendants still running when it ended (killed with the
 * namespace, never reaped by it), and without the sandbox orphans, which go to the host's init.
 * The peak RSS is at least this server's own peak (the child borrows our memory until its execve,
 * see start_child, and exec keeps that mm's high-water mark): a tiny C function shows ~6 MB with
 * the sandbox on.
 */
static void send_usage_and_exit(pid_t pid, int status, const struct rusage *ru) {
    uint64_t cpu = (uint64_t) ru->ru_utime.tv_sec * 1000000u + (uint64_t) ru->ru_utime.tv_usec
                 + (uint64_t) ru->ru_stime.tv_sec * 1000000u + (uint64_t) ru->ru_stime.tv_usec;
    int32_t msg[8] = { REP_USAGE, pid, saturated(cpu), saturated((uint64_t) ru->ru_maxrss), REP_EXIT, pid, status, 0 };
    struct iovec iov = { .iov_base = msg, .iov_len = sizeof msg };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t n;
    do { n = sendmsg(conn, &mh, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n != (ssize_t) sizeof msg) kill_all_and_exit(3);
}

/* --- the child side of a spawn: only async-signal-safe calls until execve --- */
struct spawn {
    uint32_t tag, flags, cpu_seconds, tmp_mb, processes;
    uint64_t data_bytes;
    char **argv, **envp;
    const char *cwd, *function_dir;
    int stderr_fd;
    struct sandbox_call *call; /* NULL without --sandbox */
};

static void fail_child(const char *what, const char *arg) __attribute__((noreturn));
static void fail_child(const char *what, const char *arg) {
    dprintf(2, "faas-spawn: %s %s: %s\n", what, arg, strerror(errno));
    _exit(127);
}

static void set_limit(int resource, uint64_t value, const char *name) {
    struct rlimit rl = { .rlim_cur = (rlim_t) value, .rlim_max = (rlim_t) value };
    if (setrlimit(resource, &rl) != 0) fail_child("setrlimit", name);
}

/* Moves fd to target; dup2 onto itself would keep FD_CLOEXEC, so clear it explicitly then. */
static void place(int fd, int target) {
    if (fd == target) {
        fcntl(fd, F_SETFD, 0);
    } else if (dup2(fd, target) < 0) {
        fail_child("dup2", "");
    }
}

static void run_child(const struct spawn *s, int in_read, int out_write, int fd3_read) __attribute__((noreturn));
static void run_child(const struct spawn *s, int in_read, int out_write, int fd3_read) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);       /* SIGCHLD is blocked here for the signalfd */
    signal(SIGPIPE, SIG_DFL);                     /* ignored here; functions get the default */
    /* its own group: KILL takes the whole tree. Not its own session: with the scheduler's
     * autogroups (on by default) every session is a task group of its own, and one per call put
     * function processes up to 272 ms behind on the run queue (p99 207 ms against 108 ms under wrk
     * -c16). A sandboxed process cannot reach a terminal anyway: its root has no /dev/tty and its
     * descriptors 0-3 are pipes and a file. */
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) _exit(127);
    /* RLIMIT_DATA covers brk and private anonymous mmap since Linux 4.7 (php, python, malloc).
     * RLIMIT_AS is left alone: interpreters reserve address space they never touch. */
    if (s->data_bytes > 0) set_limit(RLIMIT_DATA, s->data_bytes, "RLIMIT_DATA");
    set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
    /* a backstop only: the worker's wall-clock deadline normally kills the group first */
    if (s->cpu_seconds > 0) set_limit(RLIMIT_CPU, s->cpu_seconds, "RLIMIT_CPU");
    /* all sources are >= 3 (0-2 of this process stay open), so 0-2 can be placed first */
    place(in_read, 0);
    if (s->flags & FLAG_ANSWER_FD3) {
        /* handler mode: what the code prints joins its stderr (the worker opened the file with
         * O_APPEND, so both descriptors append), and the answer pipe is fd 3. The pipe is placed
         * last: out_write may be 1 or 2 only if this process had those closed, and it has not. */
        place(s->stderr_fd, 1);
        place(s->stderr_fd, 2);
        place(out_write, 3);
    } else {
        place(out_write, 1);
        place(s->stderr_fd, 2);
        if (fd3_read >= 0) place(fd3_read, 3);
    }
    if (s->call) {
        const char *failed = sandbox_enter(&sandbox, s->call);
        if (failed) fail_child("sandbox:", failed);
    } else if (chdir(s->cwd) != 0) {
        fail_child("cannot change directory to", s->cwd);
    }
    execve(s->argv[0], s->argv, s->envp); /* every other descriptor here is O_CLOEXEC */
    fail_child("cannot execute", s->argv[0]);
}

/* --- the parent side --- */
struct child_args {
    const struct spawn *s;
    int in_read, out_write, fd3_read;
};

static int child_main(void *arg) {
    const struct child_args *a = arg;
    run_child(a->s, a->in_read, a->out_write, a->fd3_read);
}

/*
 * clone(CLONE_VM | CLONE_VFORK) on a stack of its own, as glibc's posix_spawn does: the child
 * borrows this process's memory until its execve, so nothing is copied and nothing torn down.
 * Measured with wrk -c16 on native hello (2 cores, whole platform, CPU per request): with fork()
 * the children cost 0.62 ms and the two servers 0.085 ms; with this 0.51-0.55 ms and 0.04-0.05 ms,
 * and throughput rose by ~20 %. We are suspended only until the child's execve has replaced its
 * memory, a small part of the exec.
 * The child only makes system calls and writes its own stack; no signal handler is installed in
 * this process (SIGCHLD comes through a signalfd), so none can run on the shared memory.
 */
static pid_t start_child(struct child_args *args) {
    static char stack[64 * 1024] __attribute__((aligned(16)));
    /* sandboxed: in fresh PID and IPC namespaces (see sandbox_clone), from its slot's launcher if it has one */
    if (args->s->call) return sandbox_clone(&sandbox, args->s->call, child_main, stack + sizeof stack, args);
    return clone(child_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, args);
}

static void close_all(int *fds, int n) {
    for (int i = 0; i < n; i++) if (fds[i] >= 0) close(fds[i]);
}

static void do_spawn(struct spawn *s) {
    static struct sandbox_call call;
    int slot = -1;
    if (sandbox.active) {
        slot = slot_take(s->function_dir);
        if (slot < 0) {
            send_reply(REP_SPAWNED, (int32_t) s->tag, -EAGAIN, NULL, 0);
            return;
        }
        if (sandbox_call_init(&sandbox, &call, (unsigned) slot, s->tmp_mb, s->processes,
                              (s->flags & FLAG_NO_NETWORK) != 0, s->function_dir, 0, s->cwd) != 0) {
            int err = errno;
            slot_owner[slot] = 0;
            send_reply(REP_SPAWNED, (int32_t) s->tag, -err, NULL, 0);
            return;
        }
        s->call = &call;
    }
    int in[2] = { -1, -1 }, out[2] = { -1, -1 }, extra[2] = { -1, -1 };
    int want_fd3 = (s->flags & FLAG_FD3_PIPE) != 0;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || (want_fd3 && pipe2(extra, O_CLOEXEC) != 0)) {
        int err = errno;
        close_all(in, 2); close_all(out, 2); close_all(extra, 2);
        if (slot >= 0) slot_owner[slot] = 0;
        send_reply(REP_SPAWNED, (int32_t) s->tag, -err, NULL, 0);
        return;
    }
    struct child_args args = { s, in[0], out[1], extra[0] };
    pid_t pid = start_child(&args);
    int err = errno;
    close(in[0]); close(out[1]);
    if (extra[0] >= 0) close(extra[0]);
    if (pid < 0) {
        close(in[1]); close(out[0]);
        if (extra[1] >= 0) close(extra[1]);
        if (slot >= 0) slot_owner[slot] = 0;
        send_reply(REP_SPAWNED, (int32_t) s->tag, -err, NULL, 0);
        return;
    }
    if (slot >= 0) slot_owner[slot] = pid;
    child_add(pid, (s->flags & FLAG_USAGE) != 0);
    int parent_ends[3] = { in[1], out[0], extra[1] };
    send_reply(REP_SPAWNED, (int32_t) s->tag, pid, parent_ends, want_fd3 ? 3 : 2);
    close(in[1]); close(out[0]);
    if (extra[1] >= 0) close(extra[1]);
}

/* --- request parsing --- */
static uint32_t u32_at(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64_at(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* Splits `count` NUL-terminated strings starting at p; NULL if the payload is malformed. */
static char **split_strings(char *p, char *end, uint32_t count, char **next) {
    char **list = calloc((size_t) count + 1, sizeof(char *));
    if (!list) return NULL;
    for (uint32_t i = 0; i < count; i++) {
        char *nul = memchr(p, '\0', (size_t) (end - p));
        if (!nul) { free(list); return NULL; }
        list[i] = p;
        p = nul + 1;
    }
    *next = p;
    return list;
}

static void handle_spawn(unsigned char *payload, size_t len) {
    int stderr_fd = fd_pop();
    struct spawn s = { 0 };
    char *next, *end = (char *) payload + len;
    if (len < SPAWN_FIXED_BYTES + 2 || stderr_fd < 0) goto malformed;
    s.tag = u32_at(payload);
    s.data_bytes = u64_at(payload + 4);
    s.cpu_seconds = u32_at(payload + 12);
    s.flags = payload[16];
    s.tmp_mb = u32_at(payload + 17);
    s.processes = u32_at(payload + 21);
    uint32_t argc = u32_at(payload + 25), envc = u32_at(payload + 29);
    if (argc == 0 || argc > MAX_STRINGS || envc > MAX_STRINGS) goto malformed;
    if (s.tmp_mb == 0 || s.tmp_mb > 65536 || s.processes == 0) goto malformed;
    s.argv = split_strings((char *) payload + SPAWN_FIXED_BYTES, end, argc, &next);
    if (!s.argv) goto malformed;
    s.envp = split_strings(next, end, envc, &next);
    if (!s.envp) goto malformed;
    char **tail = split_strings(next, end, 2, &next);
    if (!tail) goto malformed;
    s.cwd = tail[0];
    s.function_dir = tail[1];
    free(tail);
    s.stderr_fd = stderr_fd;
    do_spawn(&s);
    free(s.argv); free(s.envp);
    close(stderr_fd);
    return;
malformed:
    fprintf(stderr, "faas-spawn: malformed SPAWN request\n");
    kill_all_and_exit(4);
}

static void handle_kill(const unsigned char *payload, size_t len) {
    if (len < 4) kill_all_and_exit(4);
    pid_t pgid = (pid_t) u32_at(payload);
    /* a reaped leader's number may already belong to someone else: only kill groups we still own */
    if (pgid > 1 && child_known(pgid)) {
        kill(-pgid, SIGKILL);
        kill(pgid, SIGKILL); /* sandboxed, it is its PID namespace's init: that takes every descendant */
    }
}

/* --- reading requests: a growable buffer, descriptors queued as they arrive --- */
static unsigned char *inbuf;
static size_t in_len, in_cap;

static void receive(void) {
    if (in_cap - in_len < 65536) {
        in_cap = in_cap ? in_cap * 2 : 131072;
        if (in_cap > 2 * (size_t) MAX_REQUEST) kill_all_and_exit(4);
        inbuf = realloc(inbuf, in_cap);
        if (!inbuf) kill_all_and_exit(1);
    }
    char control[CMSG_SPACE(8 * sizeof(int))];
    struct iovec iov = { .iov_base = inbuf + in_len, .iov_len = in_cap - in_len };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) kill_all_and_exit(0); /* the worker closed the connection */
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int) ((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int fds[8];
        memcpy(fds, CMSG_DATA(c), count * sizeof(int));
        for (int i = 0; i < count; i++) fd_push(fds[i]);
    }
    in_len += (size_t) n;
}

static void dispatch_requests(void) {
    size_t off = 0;
    while (in_len - off >= 5) {
        uint32_t len = u32_at(inbuf + off);
        if (len < 1 || len > MAX_REQUEST) kill_all_and_exit(4);
        if (in_len - off - 4 < len) break;
        unsigned char type = inbuf[off + 4];
        unsigned char *payload = inbuf + off + 5;
        if (type == REQ_SPAWN) handle_spawn(payload, len - 1);
        else if (type == REQ_KILL) handle_kill(payload, len - 1);
        else kill_all_and_exit(4);
        off += 4 + (size_t) len;
    }
    memmove(inbuf, inbuf + off, in_len - off);
    in_len -= off;
}

static void reap(int sfd) {
    struct signalfd_siginfo info;
    while (read(sfd, &info, sizeof info) == (ssize_t) sizeof info) {
        /* drained: one SIGCHLD may stand for many exits, so waitpid decides, not the count */
    }
    int status;
    pid_t pid;
    struct rusage ru;
    while ((pid = wait4(-1, &status, WNOHANG, &ru)) > 0) {
        int known = child_remove(pid);
        if (known) {
            slot_free_of(pid, status);
            if (known == 2) send_usage_and_exit(pid, status, &ru);
            else send_reply(REP_EXIT, pid, status, NULL, 0);
        } else {
            sandbox_launcher_reaped(&sandbox, pid); /* the next call of its slot makes another */
        }
    }
}

static int listen_once(const char *path) {
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof addr.sun_path) { fprintf(stderr, "faas-spawn: socket path too long\n"); exit(2); }
    strcpy(addr.sun_path, path);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (s < 0 || bind(s, (struct sockaddr *) &addr, sizeof addr) != 0 || listen(s, 1) != 0) {
        perror("faas-spawn: listen");
        exit(2);
    }
    printf("ready\n");
    fflush(stdout);
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) { perror("faas-spawn: accept"); exit(2); }
    close(s);
    unlink(path);
    return c;
}

/* --- one-shot modes: a build tool, or a probe of what the host allows --- */

static char *const tool_env[] = {
    "PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "HOME=/tmp", "TMPDIR=/tmp", NULL,
};

/* Runs argv in a fresh PID namespace inside the prepared sandbox; returns its exit code. */
static int run_sandboxed(char **argv, uint32_t tmp_mb, uint32_t processes, uint64_t memory_bytes,
                         uint32_t cpu_seconds, const char *dir) {
    static struct sandbox_call call;
    int writable = dir[0] != '\0';
    if (writable && chown(dir, sandbox.uid_base, sandbox.uid_base) != 0 && sandbox.as_root) {
        perror("faas-spawn: chown of the build directory");
        return 126;
    }
    sandbox_call_init(&sandbox, &call, 0, tmp_mb, processes, sandbox.empty_netns >= 0, dir,
                      writable, writable ? "/build" : "/tmp");
    if (unshare(SANDBOX_CALL_NAMESPACES) != 0) { perror("faas-spawn: PID and IPC namespaces"); return 126; }
    pid_t pid = fork();
    if (pid < 0) { perror("faas-spawn: fork"); return 126; }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (memory_bytes > 0) set_limit(RLIMIT_DATA, memory_bytes, "RLIMIT_DATA");
        if (cpu_seconds > 0) set_limit(RLIMIT_CPU, cpu_seconds, "RLIMIT_CPU");
        set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
        const char *failed = sandbox_enter(&sandbox, &call);
        if (failed) fail_child("sandbox:", failed);
        execve(argv[0], argv, tool_env);
        fail_child("cannot execute", argv[0]);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return 126;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static uint32_t number(const char *text, const char *what) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || v > UINT32_MAX) {
        fprintf(stderr, "faas-spawn: %s is not a number: %s\n", what, text);
        exit(2);
    }
    return (uint32_t) v;
}

static void tag_of_this_process(char *tag, size_t size, const char *kind) {
    snprintf(tag, size, "%s-%d", kind, (int) getpid());
}

/* faas-spawn --probe <root-dir>: prepares a sandbox and starts /bin/true in it, then says how it went. */
static int probe(const char *root_dir) {
    char tag[64], line[2048];
    tag_of_this_process(tag, sizeof tag, "probe");
    if (sandbox_prepare(&sandbox, root_dir, NULL, 65534, 1, tag, 64u << 20) == 0) {
        char *true_argv[] = { "/bin/true", NULL };
        int code = run_sandboxed(true_argv, 1, 4, 0, 2, "");
        if (code != 0) {
            sandbox.active = 0;
            snprintf(sandbox.missing + strlen(sandbox.missing), sizeof sandbox.missing - strlen(sandbox.missing),
                     "%sa sandboxed /bin/true failed with exit code %d", sandbox.missing[0] ? "; " : "", code);
        }
    }
    sandbox_describe(&sandbox, line, sizeof line);
    sandbox_release(&sandbox);
    printf("%s\n", line);
    return 0;
}

/* faas-spawn --run <root-dir> <uid> <tmp-mb> <processes> <memory-mb> <cpu-seconds> <dir> -- argv... */
static int run_tool(int argc, char **argv) {
    if (argc < 11 || strcmp(argv[9], "--") != 0 || argv[10][0] != '/') {
        fprintf(stderr, "usage: faas-spawn --run <root-dir> <uid> <tmp-mb> <processes> <memory-mb> <cpu-seconds> <dir> -- /abs/program args...\n");
        return 2;
    }
    char tag[64];
    tag_of_this_process(tag, sizeof tag, "build");
    uint64_t memory = (uint64_t) number(argv[6], "memory-mb") << 20;
    if (sandbox_prepare(&sandbox, argv[2], NULL, number(argv[3], "uid"), 1, tag, memory) != 0) {
        fprintf(stderr, "faas-spawn: no sandbox for the build: %s\n", sandbox.missing);
        return 126;
    }
    int code = run_sandboxed(argv + 10, number(argv[4], "tmp-mb"), number(argv[5], "processes"), memory,
                             number(argv[7], "cpu-seconds"), argv[8]);
    sandbox_release(&sandbox);
    return code;
}

/*
 * faas-spawn --bench <root-dir> <count> <program>: the per-start cost of the sandbox, measured on
 * this server's own start path. Starts <program> <count> times without and <count> times with the
 * sandbox, alternating in blocks of 50 so that drift of the host hits both alike; each start is
 * pipes + clone + exec + reading stdout to its end + waitpid. Prints one line: BENCH_SPAWN {json}.
 */
static double start_once(char **argv, char **envp, const char *cwd, struct sandbox_call *call, const char *dir) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* as the server does per spawn: slot 0 is made on the first call and reused after */
    if (call && sandbox_call_init(&sandbox, call, 0, 64, 64, 0, dir, 0, cwd) != 0) { perror("faas-spawn: slot"); exit(1); }
    struct spawn s = { .argv = argv, .envp = envp, .cwd = cwd, .call = call, .stderr_fd = -1 };
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) { perror("faas-spawn: pipe"); exit(1); }
    char null_path[PATH_MAX];
    snprintf(null_path, sizeof null_path, "%s/dev/null", sandbox.root); /* the host's /dev left this namespace */
    s.stderr_fd = open(null_path, O_WRONLY | O_CLOEXEC);
    struct child_args args = { &s, in[0], out[1], -1 };
    pid_t pid = start_child(&args);
    if (pid < 0) { perror("faas-spawn: clone"); exit(1); }
    close(in[0]); close(out[1]); close(in[1]); close(s.stderr_fd);
    char sink[4096];
    while (read(out[0], sink, sizeof sink) > 0) {
    }
    close(out[0]);
    int status;
    waitpid(pid, &status, 0);
    if (call) sandbox_slot_reset(&sandbox, 0, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!WIFEXITED(status)) { fprintf(stderr, "faas-spawn: bench program died (status %d)\n", status); exit(1); }
    return (double) (t1.tv_sec - t0.tv_sec) * 1e6 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e3;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p) {
    qsort(v, n, sizeof *v, by_value);
    return v[(size_t) (p * (double) (n - 1))];
}

static int bench(const char *root_dir, const char *count_text, const char *program) {
    uint32_t count = number(count_text, "count");
    if (count < 50 || program[0] != '/') { fprintf(stderr, "faas-spawn: --bench needs count >= 50 and an absolute program\n"); return 2; }
    char tag[64], dir[PATH_MAX], inside[PATH_MAX];
    tag_of_this_process(tag, sizeof tag, "bench");
    if (sandbox_prepare(&sandbox, root_dir, NULL, 1700000000u, 1, tag, 1024u << 20) != 0) {
        fprintf(stderr, "faas-spawn: no sandbox to measure: %s\n", sandbox.missing);
        return 3;
    }
    snprintf(dir, sizeof dir, "%s", program);
    char *slash = strrchr(dir, '/');
    snprintf(inside, sizeof inside, "/fn/%s", slash + 1);
    *slash = '\0';
    if (dir[0] == '\0') snprintf(dir, sizeof dir, "/");
    static struct sandbox_call call;
    if (sandbox_use_slots(&sandbox) != 0) { perror("faas-spawn: slots"); return 1; }
    /* as the server does; the plain starts inherit the filter too (a few ns per system call) */
    if (sandbox_filter_self(&sandbox) != 0) perror("faas-spawn: system call filter");
    char *plain_argv[] = { (char *) program, NULL }, *boxed_argv[] = { inside, NULL };
    char *envp[] = { "PATH=/usr/bin:/bin", "REQUEST_METHOD=POST", NULL };
    double *plain = calloc(count, sizeof *plain), *boxed = calloc(count, sizeof *boxed);
    if (!plain || !boxed) return 1;
    for (uint32_t i = 0; i < 50; i++) {            /* warm both paths: page cache, cgroup, caches */
        start_once(plain_argv, envp, "/tmp", NULL, dir);
        start_once(boxed_argv, envp, "/tmp", &call, dir);
    }
    for (uint32_t done = 0; done < count; done += 50) {
        uint32_t block = count - done < 50 ? count - done : 50;
        for (uint32_t i = 0; i < block; i++) plain[done + i] = start_once(plain_argv, envp, "/tmp", NULL, dir);
        for (uint32_t i = 0; i < block; i++) boxed[done + i] = start_once(boxed_argv, envp, "/tmp", &call, dir);
    }
    double p50 = percentile(plain, count, 0.5), p90 = percentile(plain, count, 0.9);
    double b50 = percentile(boxed, count, 0.5), b90 = percentile(boxed, count, 0.9);
    double p99 = percentile(plain, count, 0.99), b99 = percentile(boxed, count, 0.99);
    char line[2048];
    sandbox_describe(&sandbox, line, sizeof line);
    printf("BENCH_SPAWN {\"count\":%u,\"plain_median_us\":%.1f,\"plain_p90_us\":%.1f,\"sandbox_median_us\":%.1f,"
           "\"sandbox_p90_us\":%.1f,\"plain_p99_us\":%.1f,\"sandbox_p99_us\":%.1f,\"cost_median_us\":%.1f,\"sandbox\":\"%s\"}\n",
           count, p50, p90, b50, b90, p99, b99, b50 - p50, line);
    sandbox_release(&sandbox);
    return 0;
}

/* <socket> --sandbox <root-dir> <share-dir> <uid-base> <uid-count> <memory-mb>: every child is sandboxed */
static void start_sandbox(char **argv) {
    char tag[64];
    tag_of_this_process(tag, sizeof tag, "spawn");
    uint32_t count = number(argv[6], "uid-count");
    if (count == 0 || count > 65536) { fprintf(stderr, "faas-spawn: uid-count out of range\n"); exit(2); }
    if (sandbox_prepare(&sandbox, argv[3], argv[4], number(argv[5], "uid-base"), count, tag,
                        (uint64_t) number(argv[7], "memory-mb") << 20) != 0) {
        fprintf(stderr, "faas-spawn: cannot isolate functions: %s\n", sandbox.missing);
        exit(3);
    }
    slot_owner = calloc(count, sizeof(pid_t));
    if (!slot_owner || sandbox_use_slots(&sandbox) != 0) { perror("faas-spawn: slots"); exit(1); }
    if (sandbox_filter_self(&sandbox) != 0) perror("faas-spawn: system call filter (each child installs its own)");
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--probe") == 0) return probe(argv[2]);
    if (argc > 1 && strcmp(argv[1], "--run") == 0) return run_tool(argc, argv);
    if (argc == 5 && strcmp(argv[1], "--bench") == 0) return bench(argv[2], argv[3], argv[4]);
    if (argc != 2 && !(argc == 8 && strcmp(argv[2], "--sandbox") == 0)) {
        fprintf(stderr, "usage: faas-spawn <socket-path> [--sandbox <root-dir> <share-dir> <uid-base> <uid-count> <memory-mb>]\n");
        return 2;
    }
    if (argc == 8) start_sandbox(argv);
    pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) return 1;
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0) { perror("faas-spawn: signalfd"); return 1; }
    fcntl(0, F_SETFD, FD_CLOEXEC);
    fcntl(1, F_SETFD, FD_CLOEXEC);
    conn = listen_once(argv[1]);
    struct pollfd polled[3] = {
        { .fd = 0, .events = POLLIN }, { .fd = conn, .events = POLLIN }, { .fd = sfd, .events = POLLIN },
    };
    for (;;) {
        if (poll(polled, 3, -1) < 0) {
            if (errno == EINTR) continue;
            kill_all_and_exit(1);
        }
        if (polled[2].revents) reap(sfd);
        if (polled[0].revents) {
            char sink[64];
            ssize_t n = read(0, sink, sizeof sink);
            if (n <= 0 && !(n < 0 && errno == EINTR)) kill_all_and_exit(0); /* the worker is gone */
        }
        if (polled[1].revents) {
            receive();
            dispatch_requests();
        }
    }
}
