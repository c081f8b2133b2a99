/*
 * The sandbox every function process and every build starts in (see sandbox.c).
 *
 * Expensive parts happen once per fork server (sandbox_prepare): a private mount namespace, a
 * read-only root tree on a tmpfs, an empty network namespace kept open, a memory cgroup that the
 * server joins, so that every child starts in it without a per-start migration, and a system call
 * filter the server carries (sandbox_filter_self). Once per slot: its namespace, /tmp, cpu group
 * and launcher. Per start: fresh PID and IPC namespaces (sandbox_clone), then in the child
 * (sandbox_enter) only what differs from the slot's last call, chroot, limits, an unprivileged uid,
 * no_new_privs.
 */
#ifndef FAAS_SANDBOX_H
#define FAAS_SANDBOX_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * A slot is one uid and one mount namespace of its own, made at first use and kept: a tmpfs on
 * /tmp (emptied after every call) and the last function's directory at /fn. A start enters it
 * with setns instead of copying a namespace and mounting a tmpfs, /fn and /proc each time, and
 * tearing them down at the end: measured 30-45 us per start instead of 190-250 us.
 */
struct sandbox_slot {
    int mnt_fd;             /* the slot's mount namespace, -1 until made */
    int tmp_fd;             /* its /tmp, to empty it after each call */
    int cpu_procs_fd;       /* cgroup v1: cgroup.procs of the slot's cpu group, -1 for none */
    uint32_t tmp_mb;        /* the size /tmp has now */
    char fn_dir[PATH_MAX];  /* the host directory bound at /fn now, "" for none */
    /* the slot's launcher (see sandbox_clone), with a cpu group only: 0 / -1 for none */
    pid_t launcher;
    int launcher_fd;        /* our end of the socket pair that wakes it */
    int launcher_pidfd;     /* readable once it is gone */
    int launcher_end;       /* its end of that pair (the descriptor table is shared) */
    void *launcher_stack;   /* made once per slot, never unmapped: no launcher can outlive its use */
};

/* what the kernel allowed at prepare time; anything missing is named in `missing` */
struct sandbox {
    int active;             /* every child is sandboxed */
    int as_root;            /* real root: a dedicated uid per slot; else one user namespace */
    uid_t uid_base;
    unsigned uid_count;
    char root[256];         /* the prepared root tree (short: paths below it must fit PATH_MAX) */
    int empty_netns;        /* fd of a network namespace with nothing in it, or -1 */
    int cgroup_version;     /* 1 or 2 when the server's memory cgroup works, else 0 */
    char cgroup_dir[256];   /* v2: /sys/fs/cgroup/faasj-<tag>; v1: .../memory/faasj-<tag> */
    uint64_t cgroup_limit;  /* bytes, for everything the server starts together */
    int cgroup_parent_fd;   /* the hierarchy's root directory, to leave and remove the cgroup at exit */
    char cpu_dir[256];      /* cgroup v1: the server's group in the cpu hierarchy, "" for none */
    int cpu_parent_fd;      /* that hierarchy's root directory */
    int cpu_group_fd;       /* the server's group there, for the slots' groups below it */
    int home_mnt_fd;        /* the server's own mount namespace, to come back to after making a slot */
    struct sandbox_slot *slots; /* uid_count of them, for the fork server; NULL in one-shot modes */
    int filtered;           /* we carry the system call filter, so every child inherits it */
    char missing[1024];     /* "; "-separated reasons, empty when nothing is missing */
};

/* one start, formatted by the parent before the clone (the child only makes system calls) */
struct sandbox_call {
    uid_t uid;
    unsigned slot;
    uint32_t processes;
    uint64_t file_bytes;
    int network_none;
    const char *bind_dir;        /* host directory shown read-only at /fn ("" for none) */
    int bind_writable;           /* builds: the directory is writable (at /build) */
    const char *cwd;             /* inside the sandbox */
    int slot_mnt_fd;             /* the slot's namespace to enter, or -1: mount a fresh /tmp, /fn, /proc */
    int cpu_procs_fd;            /* the slot's cpu group to join, or -1 */
    int launched;                /* started by the slot's launcher: already in its cpu group and namespace */
    int remount_tmp;             /* the slot's /tmp has another size: remount it with tmp_options */
    int rebind;                  /* the slot's /fn shows another directory: bind bind_dir there */
    char tmp_options[160];
    char tmp_path[PATH_MAX];
    char bind_path[PATH_MAX];
    char proc_path[PATH_MAX];
};

/*
 * share_dir: a host directory shown read-only at /.faas (the PHP prelude); may be NULL.
 * memory_limit: bytes for all processes of this server together (0: no cgroup).
 */
int sandbox_prepare(struct sandbox *sb, const char *root_dir, const char *share_dir, uid_t uid_base,
                    unsigned uid_count, const char *cgroup_tag, uint64_t memory_limit);
void sandbox_describe(const struct sandbox *sb, char *out, size_t size);
/*
 * The fork server takes the system call filter (see sandbox.c) on itself, once: children inherit
 * it. Installed per start instead, it cost ~100 us each (the kernel compiles every new filter).
 * Without it (-1), each child installs its own.
 */
int sandbox_filter_self(struct sandbox *sb);
/* the fork server's slots: made lazily, reused (see struct sandbox_slot) */
int sandbox_use_slots(struct sandbox *sb);
int sandbox_slot_shows(const struct sandbox *sb, unsigned slot, const char *bind_dir);
/* after the call's init was reaped: empties its /tmp; a failed start forgets what the slot shows */
void sandbox_slot_reset(struct sandbox *sb, unsigned slot, int failed_start);
/* with slots in use, makes the slot if needed; -1 (errno set) when that failed */
int sandbox_call_init(struct sandbox *sb, struct sandbox_call *call, unsigned slot, uint32_t tmp_mb,
                       uint32_t processes, int network_none, const char *bind_dir, int bind_writable,
                       const char *cwd);
/*
 * Every call's own namespaces (CLONE_* from <sched.h>): PID (its exit takes every descendant) and
 * IPC (System V objects and POSIX queues go with it, the host's are out of sight).
 */
#define SANDBOX_CALL_NAMESPACES (CLONE_NEWPID | CLONE_NEWIPC)

/*
 * Starts fn(arg) on stack_top as a vfork-style child (it shares our memory until its execve) in
 * fresh PID and IPC namespaces: through the slot's launcher when it has one, else cloned here.
 * The child is ours either way (the launcher clones with CLONE_PARENT). -1 with errno on failure.
 */
pid_t sandbox_clone(struct sandbox *sb, struct sandbox_call *call, int (*fn)(void *), void *stack_top, void *arg);
/* a reaped child of the server that was a slot's launcher is forgotten: 1 if it was one */
int sandbox_launcher_reaped(struct sandbox *sb, pid_t pid);
/* in the child, after its own setsid: returns the step that failed (errno set), or NULL */
const char *sandbox_enter(const struct sandbox *sb, const struct sandbox_call *call);
void sandbox_release(const struct sandbox *sb);

#endif
