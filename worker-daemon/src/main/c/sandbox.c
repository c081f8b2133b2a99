/*
 * The sandbox of faas-spawn. See sandbox.h for the split between per-server and per-start work.
 *
 * Root tree (a read-only tmpfs, built once per server in its private mount namespace):
 *   /usr /bin /sbin /lib* from the host, read-only, nosuid (symlinks where the host has merged /usr)
 *   /etc     a copy of only what programs need to start (loader cache, certificates, time zone,
 *            name service files, Debian's alternatives, PHP's and Python's own configuration), plus
 *            a generated passwd and group that name the sandbox uids and nothing of the host
 *   /dev     null zero full random urandom (nodes of its own), and the usual /proc/self/fd links
 *   /.faas   the share directory (the PHP prelude), read-only
 *   /tmp /fn /build /proc   mount points filled per start
 * Nothing else of the host is reachable: the data dir, the run dir with its sockets, other
 * functions' artifacts, /etc/shadow, /home, /root.
 */
#define _GNU_SOURCE
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
#include <stddef.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define NOFILE_LIMIT 1024
#define TMP_INODES 16384

static const char *const host_dirs[] = { "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", NULL };
static const char *const etc_entries[] = {
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates", "ca-certificates.conf",
    "localtime", "timezone", "nsswitch.conf", "hosts", "resolv.conf", "host.conf", "gai.conf",
    "services", "protocols", "mime.types", "alternatives", NULL,
};
/* whole subtrees by name prefix: php/8.2/cli/conf.d, python3.11/sitecustomize.py ... */
static const char *const etc_prefixes[] = { "php", "python3", NULL };
static const char *const dev_nodes[] = { "null", "zero", "full", "random", "urandom", NULL };

static void note(struct sandbox *sb, const char *fmt, ...) {
    size_t used = strlen(sb->missing);
    if (used > 0 && used + 2 < sizeof sb->missing) {
        strcat(sb->missing, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sb->missing + used, sizeof sb->missing - used, fmt, ap);
    va_end(ap);
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t len = (ssize_t) strlen(text);
    int ok = write(fd, text, (size_t) len) == len;
    int saved = errno;
    close(fd);
    errno = saved;
    return ok ? 0 : -1;
}

static void path_join(char *out, size_t size, const char *a, const char *b) {
    snprintf(out, size, "%s/%s", a, b);
}

/* Flags a read-only remount must keep: in a user namespace the kernel refuses to drop locked ones. */
static unsigned long locked_flags(const char *src) {
    struct statvfs st;
    unsigned long flags = 0;
    if (statvfs(src, &st) != 0) return 0;
    if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    return flags;
}

/* A read-only bind of src at dst (created as a directory or an empty file to mount over). */
static int bind_read_only(const char *src, const char *dst, unsigned long extra) {
    struct stat st;
    if (stat(src, &st) != 0) return -1;
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(dst, 0755) != 0 && errno != EEXIST) return -1;
    } else {
        int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) return -1;
        close(fd);
    }
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0) return -1;
    return mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | extra | locked_flags(src), NULL);
}

/* A host top-level entry: the same symlink where /usr is merged, else a read-only bind. */
static int add_host_dir(struct sandbox *sb, const char *name) {
    char host[PATH_MAX], inside[PATH_MAX], target[PATH_MAX];
    snprintf(host, sizeof host, "/%s", name);
    path_join(inside, sizeof inside, sb->root, name);
    struct stat st;
    if (lstat(host, &st) != 0) return 0;
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(host, target, sizeof target - 1);
        if (n < 0) return -1;
        target[n] = '\0';
        return symlink(target, inside);
    }
    return S_ISDIR(st.st_mode) ? bind_read_only(host, inside, MS_NOSUID | MS_NODEV) : 0;
}

static int wanted_in_etc(const char *name) {
    for (const char *const *e = etc_entries; *e; e++) {
        if (strcmp(name, *e) == 0) return 1;
    }
    for (const char *const *p = etc_prefixes; *p; p++) {
        if (strncmp(name, *p, strlen(*p)) == 0) return 1;
    }
    return 0;
}

/* passwd and group name only root, nobody and the sandbox's own uids (one per slot). */
static int write_identities(struct sandbox *sb, const char *etc) {
    char path[PATH_MAX];
    path_join(path, sizeof path, etc, "passwd");
    FILE *passwd = fopen(path, "we");
    path_join(path, sizeof path, etc, "group");
    FILE *group = fopen(path, "we");
    if (!passwd || !group) {
        if (passwd) fclose(passwd);
        if (group) fclose(group);
        return -1;
    }
    fputs("root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", passwd);
    fputs("root:x:0:\nnogroup:x:65534:\n", group);
    for (unsigned i = 0; i < sb->uid_count; i++) {
        unsigned uid = (unsigned) sb->uid_base + i;
        fprintf(passwd, "faas%u:x:%u:%u:function:/tmp:/usr/sbin/nologin\n", i, uid, uid);
        fprintf(group, "faas%u:x:%u:\n", i, uid);
    }
    int ok = !ferror(passwd) && !ferror(group);
    ok &= fclose(passwd) == 0;
    ok &= fclose(group) == 0;
    return ok ? 0 : -1;
}

/*
 * Copies what others may read of a host /etc entry into the root: regular files, directories and
 * symlinks (as links). A copy, not a bind mount: every mount in the server's namespace is copied
 * again for each start, and /etc alone would add a dozen. Entries others may not read (private
 * keys under /etc/ssl/private) are left out.
 */
static int copy_entry(const char *src, const char *dst, int depth) {
    struct stat st;
    if (lstat(src, &st) != 0 || depth > 8) return 0;
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(src, target, sizeof target - 1);
        if (n < 0) return 0;
        target[n] = '\0';
        return symlink(target, dst) == 0 || errno == EEXIST ? 0 : -1;
    }
    if (!(st.st_mode & S_IROTH)) return 0;
    if (S_ISDIR(st.st_mode)) {
        if (!(st.st_mode & S_IXOTH)) return 0;
        if (mkdir(dst, 0755) != 0 && errno != EEXIST) return -1;
        DIR *dir = opendir(src);
        if (!dir) return 0;
        struct dirent *e;
        int rc = 0;
        char from[PATH_MAX], to[PATH_MAX];
        while (rc == 0 && (e = readdir(dir)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            if (snprintf(from, sizeof from, "%s/%s", src, e->d_name) >= (int) sizeof from) continue;
            if (snprintf(to, sizeof to, "%s/%s", dst, e->d_name) >= (int) sizeof to) continue;
            rc = copy_entry(from, to, depth + 1);
        }
        closedir(dir);
        return rc;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > (8 << 20)) return 0;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return 0;
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) { close(in); return -1; }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        if (write(out, buf, (size_t) n) != n) { rc = -1; break; }
    }
    close(in);
    close(out);
    return rc;
}

static int copy_entry_followed(const char *src, const char *dst) {
    char real[PATH_MAX];
    return realpath(src, real) ? copy_entry(real, dst, 0) : 0;
}

static int build_etc(struct sandbox *sb) {
    char etc[512], host[PATH_MAX], inside[PATH_MAX];
    path_join(etc, sizeof etc, sb->root, "etc");
    if (mkdir(etc, 0755) != 0) return -1;
    DIR *dir = opendir("/etc");
    if (!dir) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.' || !wanted_in_etc(e->d_name)) continue;
        path_join(host, sizeof host, "/etc", e->d_name);
        path_join(inside, sizeof inside, etc, e->d_name);
        struct stat st;
        if (stat(host, &st) != 0) continue; /* a dangling link (resolv.conf on some hosts) */
        /* resolv.conf and localtime are often links into /run or /usr: copy what they point to */
        rc = S_ISREG(st.st_mode) ? copy_entry_followed(host, inside) : copy_entry(host, inside, 0);
    }
    int saved = errno;
    closedir(dir);
    errno = saved;
    return rc != 0 ? -1 : write_identities(sb, etc);
}

/* Device nodes made in the root's own tmpfs (no bind mounts, see copy_entry), plus /proc/self links. */
static int build_dev(struct sandbox *sb) {
    char dev[512], host[PATH_MAX], inside[PATH_MAX];
    path_join(dev, sizeof dev, sb->root, "dev");
    if (mkdir(dev, 0755) != 0) return -1;
    for (const char *const *n = dev_nodes; *n; n++) {
        path_join(host, sizeof host, "/dev", *n);
        path_join(inside, sizeof inside, dev, *n);
        struct stat st;
        if (stat(host, &st) != 0 || !S_ISCHR(st.st_mode)) continue;
        if (mknod(inside, S_IFCHR | 0666, st.st_rdev) != 0) {
            if (bind_read_only(host, inside, MS_NOSUID | MS_NOEXEC) != 0) return -1; /* no mknod in a user namespace */
        } else {
            chmod(inside, 0666); /* mknod's mode went through the umask */
        }
    }
    static const char *const links[][2] = {
        { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        path_join(inside, sizeof inside, dev, links[i][0]);
        if (symlink(links[i][1], inside) != 0) return -1;
    }
    return 0;
}

static int build_root(struct sandbox *sb, const char *share_dir) {
    char path[PATH_MAX];
    if (mkdir(sb->root, 0700) != 0 && errno != EEXIST) return -1;
    if (mount("faas-root", sb->root, "tmpfs", MS_NOSUID, "size=16m,nr_inodes=8192,mode=0755") != 0) return -1;
    for (const char *const *d = host_dirs; *d; d++) {
        if (add_host_dir(sb, *d) != 0) return -1;
    }
    if (build_etc(sb) != 0 || build_dev(sb) != 0) return -1;
    static const char *const mount_points[] = { "tmp", "fn", "build", "proc", ".faas", NULL };
    for (const char *const *m = mount_points; *m; m++) {
        path_join(path, sizeof path, sb->root, *m);
        if (mkdir(path, 0755) != 0) return -1;
    }
    if (share_dir && *share_dir) {
        path_join(path, sizeof path, sb->root, ".faas");
        if (bind_read_only(share_dir, path, MS_NOSUID | MS_NODEV) != 0) return -1;
    }
    return mount(NULL, sb->root, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID, "size=16m,nr_inodes=8192,mode=0755");
}

/* Without root: one user namespace for the server, mapping our own uid to 0 inside it. */
static int enter_user_namespace(void) {
    char map[64];
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER) != 0) return -1;
    if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT) return -1;
    snprintf(map, sizeof map, "0 %u 1", (unsigned) uid);
    if (write_file("/proc/self/uid_map", map) != 0) return -1;
    snprintf(map, sizeof map, "0 %u 1", (unsigned) gid);
    return write_file("/proc/self/gid_map", map);
}

/*
 * One network namespace with not even loopback up, entered by calls with network "none". A child
 * makes it and the server keeps a descriptor: unsharing in the server itself would need a setns
 * back to the host's namespace, which a user namespace may not do.
 */
static int open_empty_netns(void) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) { close(ready[0]); close(ready[1]); return -1; }
    if (pid == 0) {
        char ok = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
        if (write(ready[1], &ok, 1) != 1) _exit(1);
        pause(); /* until killed: the namespace must exist while the parent opens it */
        _exit(0);
    }
    close(ready[1]);
    char ok = 'n', path[64];
    int empty = -1;
    if (read(ready[0], &ok, 1) == 1 && ok == 'y') {
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) pid);
        empty = open(path, O_RDONLY | O_CLOEXEC);
    }
    int saved = errno;
    close(ready[0]);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    errno = ok == 'y' ? saved : EPERM;
    return empty;
}

static int is_cgroup_mount(const char *path, long magic) {
    struct statfs st;
    return statfs(path, &st) == 0 && (long) st.f_type == magic;
}

/* The weight of two tasks per core (what the worker's CPU gate lets run at once), in a task's units. */
static long two_tasks_per_core(long one_task) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return 2 * one_task * (cores > 0 ? cores : 1);
}

/* Whether the server named in a group "faasj-<kind>-<pid>" is alive (then its groups are in use). */
static int owner_alive(const char *name) {
    const char *dash = strrchr(name, '-');
    char *end;
    long pid = dash ? strtol(dash + 1, &end, 10) : 0;
    if (pid <= 0 || *end) return 0;
    return kill((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* Removes the empty "slot-N" groups below a group (a fresh read of the directory each time). */
static void remove_slot_groups(int group_fd) {
    int fd = openat(group_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *slots = fd >= 0 ? fdopendir(fd) : NULL;
    if (!slots) {
        if (fd >= 0) close(fd);
        return;
    }
    struct dirent *s;
    while ((s = readdir(slots)) != NULL) {
        if (strncmp(s->d_name, "slot-", 5) == 0) unlinkat(group_fd, s->d_name, AT_REMOVEDIR);
    }
    closedir(slots);
}

/*
 * Cgroups of servers that died by SIGKILL stay behind; rmdir removes those that are empty, only.
 * Groups of live servers are left alone: their slot groups are empty between calls.
 */
static void sweep_stale_cgroups(const char *parent) {
    DIR *dir = opendir(parent);
    if (!dir) return;
    char path[PATH_MAX];
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strncmp(e->d_name, "faasj-", 6) != 0 || owner_alive(e->d_name)) continue;
        if (snprintf(path, sizeof path, "%s/%s", parent, e->d_name) >= (int) sizeof path) continue;
        int group = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (group >= 0) { /* its slot groups first: rmdir removes only empty ones */
            remove_slot_groups(group);
            close(group);
        }
        rmdir(path);
    }
    closedir(dir);
}

/*
 * With cgroup v1 the cpu controller is a hierarchy of its own: the server joins a group there
 * (weighed as two tasks per core, what the worker's CPU gate lets run at once), and each slot gets
 * a group below it that its calls join at start. A group is weighed as one task, so a fork bomb's
 * 64 runnable processes take the CPU of one call, not of 64. Measured next to a bomb called back
 * to back (native hello, wrk -c16): with the bomb's processes loose in the root group the
 * neighbours' p99 went from 29 ms to 436-551 ms and their rate to 90-150 req/s; with one group per
 * worker to 1.1-1.8 s at 750-1,026 req/s (calls on the bomb's worker shared its group); with a
 * group per slot to 202-311 ms at 650-893 req/s. Joining at every start was a cgroup migration
 * with a slow tail (the kernel's thread-group lock): --bench p99 14 ms against 1.5 ms. The slot's
 * launcher joins once and its calls start inside (see "launchers"). Memory is spared all that: its
 * one cgroup is the server's. (With cgroup v2 the server's cgroup groups the worker's calls.)
 */
static void prepare_cpu_group_v1(struct sandbox *sb, const char *tag) {
    static const char *const hierarchies[] = { CGROUP_ROOT "/cpu", CGROUP_ROOT "/cpu,cpuacct", NULL };
    for (const char *const *h = hierarchies; *h; h++) {
        if (!is_cgroup_mount(*h, CGROUP_SUPER_MAGIC)) continue;
        char path[PATH_MAX];
        sweep_stale_cgroups(*h);
        snprintf(sb->cpu_dir, sizeof sb->cpu_dir, "%s/faasj-%s", *h, tag);
        path_join(path, sizeof path, sb->cpu_dir, "cgroup.procs");
        char shares_path[PATH_MAX], shares[32];
        path_join(shares_path, sizeof shares_path, sb->cpu_dir, "cpu.shares");
        snprintf(shares, sizeof shares, "%ld", two_tasks_per_core(1024));
        if ((mkdir(sb->cpu_dir, 0755) == 0 || errno == EEXIST) && write_file(shares_path, shares) == 0
            && write_file(path, "0") == 0) {
            sb->cpu_parent_fd = open(*h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            sb->cpu_group_fd = open(sb->cpu_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            return;
        }
        rmdir(sb->cpu_dir);
        break;
    }
    note(sb, "no writable cgroup v1 cpu hierarchy: the worker's function processes each weigh as a task of their own");
    sb->cpu_dir[0] = '\0';
}

/*
 * One memory cgroup for the server and so for everything it starts: joined once here, inherited at
 * every clone. A cgroup per start would count each call on its own, but moving a process into a
 * cgroup takes the kernel's thread-group lock for writing (an RCU grace period), and the clone is
 * suspended while the child does it: measured ~180 us of the server's time per start.
 * Each process stays capped by RLIMIT_DATA as well.
 */
static void prepare_cgroup(struct sandbox *sb, const char *tag, uint64_t limit) {
    char path[PATH_MAX], value[32];
    const char *limit_file;
    if (is_cgroup_mount(CGROUP_ROOT, CGROUP2_SUPER_MAGIC)) {
        /* may already be on; cpu as well, so that the cgroup weighs its processes as one (see below) */
        write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory +cpu");
        snprintf(sb->cgroup_dir, sizeof sb->cgroup_dir, CGROUP_ROOT "/faasj-%s", tag);
        sb->cgroup_version = 2;
        limit_file = "memory.max";
    } else if (is_cgroup_mount(CGROUP_ROOT "/memory", CGROUP_SUPER_MAGIC)) {
        snprintf(sb->cgroup_dir, sizeof sb->cgroup_dir, CGROUP_ROOT "/memory/faasj-%s", tag);
        sb->cgroup_version = 1;
        limit_file = "memory.limit_in_bytes";
    } else {
        note(sb, "no writable memory cgroup (neither cgroup v2 nor a v1 memory hierarchy): memory is capped per process by RLIMIT_DATA");
        return;
    }
    sweep_stale_cgroups(sb->cgroup_version == 2 ? CGROUP_ROOT : CGROUP_ROOT "/memory");
    snprintf(value, sizeof value, "%llu", (unsigned long long) limit);
    path_join(path, sizeof path, sb->cgroup_dir, limit_file);
    int ok = (mkdir(sb->cgroup_dir, 0755) == 0 || errno == EEXIST) && write_file(path, value) == 0;
    path_join(path, sizeof path, sb->cgroup_dir, "cgroup.procs");
    if (ok && write_file(path, "0") == 0) {
        sb->cgroup_limit = limit;
        /* kept open: /sys leaves this namespace below, and the server still has to leave the cgroup */
        sb->cgroup_parent_fd = open(sb->cgroup_version == 2 ? CGROUP_ROOT : CGROUP_ROOT "/memory",
                                    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sb->cgroup_version == 1) {
            prepare_cpu_group_v1(sb, tag);
        } else { /* as with v1 above: cpu.weight 100 is one task */
            snprintf(value, sizeof value, "%ld", two_tasks_per_core(100));
            path_join(path, sizeof path, sb->cgroup_dir, "cpu.weight");
            write_file(path, value); /* absent when the cpu controller could not be enabled */
        }
        return;
    }
    note(sb, "memory cgroup %s not usable (%s): memory is capped per process by RLIMIT_DATA", sb->cgroup_dir, strerror(errno));
    rmdir(sb->cgroup_dir);
    sb->cgroup_version = 0;
    sb->cgroup_dir[0] = '\0';
}

static int under(const char *path, const char *prefix) {
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * Every slot and every one-shot start copies the server's mount namespace, at a cost per mount.
 * After preparing, the server needs none of the host's /sys and /dev mounts (children find /dev
 * in the root), so they leave its namespace: 20 mounts became 6 on our machines. /proc stays: a
 * slot's namespace is opened through it. Deepest first, so no mount is busy with another.
 */
static void shed_host_mounts(const struct sandbox *sb) {
    static const char *const unneeded[] = { "/sys", "/dev", NULL };
    FILE *mounts = fopen("/proc/self/mounts", "re");
    if (!mounts) return;
    char line[4096];
    char *points[512];
    size_t count = 0;
    while (count < 512 && fgets(line, sizeof line, mounts)) {
        char point[PATH_MAX];
        if (sscanf(line, "%*s %4095s", point) != 1 || under(point, sb->root)) continue;
        for (const char *const *u = unneeded; *u; u++) {
            if (under(point, *u)) { points[count++] = strdup(point); break; }
        }
    }
    fclose(mounts);
    while (count > 0) {
        char *point = points[--count];
        if (point) {
            umount2(point, MNT_DETACH);
            free(point);
        }
    }
}

/*
 * System calls a function gets EPERM for: the key rings (not namespaced: a key a call adds to its
 * uid's keyring was found by the next call on that uid, a different function's perhaps), and kernel
 * interfaces no function needs whose bugs have been ways out (BPF, userfaultfd, perf events).
 * Other ABIs (i386, x32) get ENOSYS for everything, so their numbering cannot dodge the list.
 */
static const int denied_syscalls[] = {
    SYS_add_key, SYS_request_key, SYS_keyctl, SYS_bpf, SYS_userfaultfd, SYS_perf_event_open,
};
#define DENIED_COUNT (sizeof denied_syscalls / sizeof denied_syscalls[0])

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#define FOREIGN_SYSCALL_BIT 0x40000000u /* x32 calls carry this bit with the x86-64 arch value */
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "faas-spawn's seccomp filter knows x86-64 and aarch64 only"
#endif

/* Built before any clone: the child only hands it to the kernel. */
static struct sock_filter syscall_filter[7 + DENIED_COUNT];
static struct sock_fprog syscall_filter_program;

static void build_syscall_filter(void) {
    unsigned short n = 0;
    struct sock_filter *f = syscall_filter;
    f[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
    f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 1, 0);
    f[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
    f[n++] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef FOREIGN_SYSCALL_BIT
    /* over the list and the allow, to the deny */
    f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, FOREIGN_SYSCALL_BIT, DENIED_COUNT + 1, 0);
#endif
    for (unsigned i = 0; i < DENIED_COUNT; i++) {
        f[n++] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned) denied_syscalls[i],
                                               (unsigned char) (DENIED_COUNT - i), 0);
    }
    f[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    f[n++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    syscall_filter_program = (struct sock_fprog) { .len = n, .filter = syscall_filter };
}

int sandbox_filter_self(struct sandbox *sb) {
    sb->filtered = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &syscall_filter_program, 0, 0) == 0;
    return sb->filtered ? 0 : -1;
}

int sandbox_prepare(struct sandbox *sb, const char *root_dir, const char *share_dir, uid_t uid_base,
                    unsigned uid_count, const char *cgroup_tag, uint64_t memory_limit) {
    memset(sb, 0, sizeof *sb);
    sb->empty_netns = -1;
    sb->cgroup_parent_fd = -1;
    sb->cpu_parent_fd = -1;
    sb->cpu_group_fd = -1;
    sb->home_mnt_fd = -1;
    sb->uid_base = uid_base;
    sb->uid_count = uid_count;
    build_syscall_filter();
    if (strlen(root_dir) >= sizeof sb->root) {
        note(sb, "sandbox root path too long: %s", root_dir);
        return -1;
    }
    snprintf(sb->root, sizeof sb->root, "%s", root_dir);
    sb->as_root = geteuid() == 0;
    if (!sb->as_root) {
        if (enter_user_namespace() != 0) {
            note(sb, "not root and no user namespace (%s): functions cannot be isolated", strerror(errno));
            return -1;
        }
        note(sb, "not root: the calls of a worker share one uid and one process cap");
    }
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        note(sb, "no mount namespace (%s)", strerror(errno));
        return -1;
    }
    if (build_root(sb, share_dir) != 0) {
        note(sb, "cannot build the sandbox root in %s (%s)", sb->root, strerror(errno));
        return -1;
    }
    sb->empty_netns = open_empty_netns();
    if (sb->empty_netns < 0) note(sb, "no network namespace (%s): network \"none\" is refused", strerror(errno));
    if (!sb->as_root) {
        note(sb, "not root: memory is capped per process by RLIMIT_DATA");
    } else if (memory_limit > 0) {
        prepare_cgroup(sb, cgroup_tag, memory_limit);
    }
    shed_host_mounts(sb);
    sb->active = 1;
    return 0;
}

void sandbox_describe(const struct sandbox *sb, char *out, size_t size) {
    const char *memory = sb->cgroup_version == 2 ? "cgroup-v2" : sb->cgroup_version == 1 ? "cgroup-v1" : "rlimit";
    const char *level = !sb->active ? "none" : (sb->as_root && sb->empty_netns >= 0) ? "full" : "partial";
    const char *cpu = sb->cgroup_version == 2 ? "cgroup-v2" : sb->cpu_dir[0] ? "cgroup-v1" : "none";
    snprintf(out, size, "level=%s memory=%s memory_limit_mb=%llu cpu=%s uid=%s network=%s missing=%s", level, memory,
             (unsigned long long) (sb->cgroup_limit >> 20), cpu,
             sb->as_root ? "per-call" : "user-namespace", sb->empty_netns >= 0 ? "isolatable" : "shared",
             sb->missing);
}

int sandbox_use_slots(struct sandbox *sb) {
    sb->home_mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    sb->slots = calloc(sb->uid_count, sizeof *sb->slots);
    if (sb->home_mnt_fd < 0 || !sb->slots) return -1;
    for (unsigned i = 0; i < sb->uid_count; i++) {
        struct sandbox_slot *slot = &sb->slots[i];
        slot->mnt_fd = slot->tmp_fd = slot->cpu_procs_fd = -1;
        slot->launcher_fd = slot->launcher_end = slot->launcher_pidfd = -1;
    }
    return 0;
}

static void launcher_stop(struct sandbox_slot *slot);

int sandbox_slot_shows(const struct sandbox *sb, unsigned slot, const char *bind_dir) {
    return sb->slots && sb->slots[slot].mnt_fd >= 0 && strcmp(sb->slots[slot].fn_dir, bind_dir) == 0;
}

static void slot_forget(struct sandbox_slot *slot) {
    launcher_stop(slot); /* it holds the namespace */
    if (slot->mnt_fd >= 0) close(slot->mnt_fd);
    if (slot->tmp_fd >= 0) close(slot->tmp_fd);
    if (slot->cpu_procs_fd >= 0) close(slot->cpu_procs_fd);
    slot->mnt_fd = slot->tmp_fd = slot->cpu_procs_fd = -1; /* the namespace goes with its last reference */
    slot->fn_dir[0] = '\0';
}

/* --- launchers --- */

/*
 * Joining the slot's cpu group at every start was a cgroup migration inside the server's vfork
 * window. On cgroup v1 a migration takes the kernel's thread-group lock for writing, which now and
 * then waits for an RCU grace period: --bench p99 11-14 ms against 0.7-1.5 ms without the join,
 * and the server starts nothing else meanwhile. A launcher is a process made once per slot that
 * shares our memory and descriptor table, sits in the slot's cpu group and mount namespace, and
 * clones the slot's calls there on our behalf (CLONE_PARENT: they are our children, reaped and
 * killed as before), so no start migrates and none enters a namespace. It also makes the next
 * call's IPC namespace after each clone, when nobody waits for it.
 */
struct launch_request { int (*fn)(void *); void *stack_top; void *arg; };
struct launch_reply { int32_t pid, err; };
enum { LAUNCHER_STACK = 32 * 1024 };
#define LAUNCHER_NAME "faas-launcher"

/* written by the server before it wakes a launcher; read by that launcher only */
static struct launch_request launch;
static pid_t launch_server; /* the launchers' parent: one that finds another has lost it */

/* Shares our memory, so only system calls; errno is ours too, and we are blocked while it runs. */
static int launcher_main(void *arg) {
    const struct sandbox_slot *slot = arg;
    int fd = slot->launcher_end;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != launch_server) _exit(0); /* it died before the line above */
    /* its memory is the server's: the worker's metrics count it once, under the server's name */
    prctl(PR_SET_NAME, LAUNCHER_NAME);
    if (write(slot->cpu_procs_fd, "0", 1) != 1) { /* fairness, not a boundary: calls run in the worker's group */ }
    if (setns(slot->mnt_fd, CLONE_NEWNS) != 0) _exit(1);
    int fresh_ipc = unshare(CLONE_NEWIPC) == 0;
    char go;
    while (read(fd, &go, 1) == 1) {
        int flags = CLONE_VM | CLONE_VFORK | CLONE_PARENT | CLONE_NEWPID | (fresh_ipc ? 0 : CLONE_NEWIPC) | SIGCHLD;
        struct launch_reply reply = { clone(launch.fn, launch.stack_top, flags, launch.arg), 0 };
        reply.err = reply.pid < 0 ? errno : 0;
        if (write(fd, &reply, sizeof reply) != (ssize_t) sizeof reply) break;
        fresh_ipc = unshare(CLONE_NEWIPC) == 0; /* the call keeps the one it got */
    }
    _exit(0);
}

static void launcher_forget(struct sandbox_slot *slot) {
    if (slot->launcher_fd >= 0) close(slot->launcher_fd);
    if (slot->launcher_end >= 0) close(slot->launcher_end);
    if (slot->launcher_pidfd >= 0) close(slot->launcher_pidfd);
    slot->launcher_fd = slot->launcher_end = slot->launcher_pidfd = -1;
    slot->launcher = 0;
}

/* Not yet reaped (else sandbox_launcher_reaped forgot it), so the pid is still its own. */
static void launcher_stop(struct sandbox_slot *slot) {
    if (slot->launcher <= 0) return;
    kill(slot->launcher, SIGKILL);
    while (waitpid(slot->launcher, NULL, __WALL) < 0 && errno == EINTR) {
    }
    launcher_forget(slot);
}

/* Best effort: without a launcher the slot's calls join its group and namespace themselves. */
static void launcher_start(struct sandbox_slot *slot) {
    if (slot->cpu_procs_fd < 0 || slot->mnt_fd < 0) return; /* no migration to spare */
    if (!slot->launcher_stack) {
        void *stack = mmap(NULL, LAUNCHER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) return;
        slot->launcher_stack = stack;
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return;
    slot->launcher_fd = pair[0];
    slot->launcher_end = pair[1];
    int pidfd = -1;
    launch_server = getpid();
    pid_t pid = clone(launcher_main, (char *) slot->launcher_stack + LAUNCHER_STACK,
                      CLONE_VM | CLONE_FILES | CLONE_PIDFD | SIGCHLD, slot, &pidfd);
    if (pid < 0) {
        launcher_forget(slot);
        return;
    }
    slot->launcher = pid;
    slot->launcher_pidfd = pidfd;
}

static int launcher_gone(const struct sandbox_slot *slot) {
    struct pollfd p = { .fd = slot->launcher_pidfd, .events = POLLIN };
    return poll(&p, 1, 0) != 0;
}

/* The launcher's end stays open in our shared table, so its death shows on the pidfd, not as EOF. */
static pid_t launch_in_slot(struct sandbox_slot *slot, int (*fn)(void *), void *stack_top, void *arg) {
    launch = (struct launch_request) { fn, stack_top, arg };
    char go = 1;
    if (write(slot->launcher_fd, &go, 1) != 1) return -1;
    struct launch_reply reply;
    size_t got = 0;
    while (got < sizeof reply) {
        struct pollfd p[2] = { { .fd = slot->launcher_fd, .events = POLLIN }, { .fd = slot->launcher_pidfd, .events = POLLIN } };
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (p[0].revents & POLLIN) {
            ssize_t n = read(slot->launcher_fd, (char *) &reply + got, sizeof reply - got);
            if (n <= 0) return -1;
            got += (size_t) n;
        } else if (p[1].revents) {
            errno = ECHILD; /* it died with our request: whether it started the call, we cannot know */
            return -1;
        }
    }
    errno = reply.err;
    return reply.pid;
}

pid_t sandbox_clone(struct sandbox *sb, struct sandbox_call *call, int (*fn)(void *), void *stack_top, void *arg) {
    struct sandbox_slot *slot = sb->slots ? &sb->slots[call->slot] : NULL;
    call->launched = slot && slot->launcher > 0 && !launcher_gone(slot);
    if (call->launched) return launch_in_slot(slot, fn, stack_top, arg);
    int flags = CLONE_VM | CLONE_VFORK | SANDBOX_CALL_NAMESPACES | SIGCHLD;
    if (call->slot_mnt_fd < 0) flags |= CLONE_NEWNS; /* it mounts a copy of its own */
    return clone(fn, stack_top, flags, arg);
}

int sandbox_launcher_reaped(struct sandbox *sb, pid_t pid) {
    if (!sb->slots) return 0;
    for (unsigned i = 0; i < sb->uid_count; i++) {
        if (sb->slots[i].launcher == pid) {
            launcher_forget(&sb->slots[i]);
            return 1;
        }
    }
    return 0;
}

/* The slot's cpu group below the server's (v1), or -1 when there is none: calls then share the server's. */
static int open_slot_cpu_group(const struct sandbox *sb, unsigned index) {
    if (sb->cpu_group_fd < 0) return -1;
    char dir[32], procs[64];
    snprintf(dir, sizeof dir, "slot-%u", index);
    snprintf(procs, sizeof procs, "slot-%u/cgroup.procs", index);
    /* through a descriptor: /sys has left the server's namespace */
    if (mkdirat(sb->cpu_group_fd, dir, 0755) != 0 && errno != EEXIST) return -1;
    return openat(sb->cpu_group_fd, procs, O_WRONLY | O_CLOEXEC);
}

/* The server steps into a copy of its namespace, mounts the slot's /tmp, keeps both, steps back. */
static int slot_make(struct sandbox *sb, unsigned index, const char *tmp_options, uint32_t tmp_mb) {
    struct sandbox_slot *slot = &sb->slots[index];
    char tmp[PATH_MAX];
    path_join(tmp, sizeof tmp, sb->root, "tmp");
    if (unshare(CLONE_NEWNS) != 0) return -1;
    int ok = mount("faas-tmp", tmp, "tmpfs", MS_NOSUID | MS_NODEV, tmp_options) == 0;
    if (ok) {
        slot->tmp_fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        slot->mnt_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    }
    int saved = errno;
    if (setns(sb->home_mnt_fd, CLONE_NEWNS) != 0) {
        perror("faas-spawn: cannot return to its own mount namespace");
        _exit(1); /* every later slot would be made inside this one */
    }
    if (!ok || slot->tmp_fd < 0 || slot->mnt_fd < 0) {
        slot_forget(slot);
        errno = saved;
        return -1;
    }
    slot->tmp_mb = tmp_mb;
    slot->fn_dir[0] = '\0';
    slot->cpu_procs_fd = open_slot_cpu_group(sb, index);
    return 0;
}

int sandbox_call_init(struct sandbox *sb, struct sandbox_call *call, unsigned slot, uint32_t tmp_mb,
                      uint32_t processes, int network_none, const char *bind_dir, int bind_writable,
                      const char *cwd) {
    call->slot = slot;
    call->uid = sb->as_root ? sb->uid_base + slot : 0;
    /* in a user namespace every call has the same uid: its cap can only be one for the whole worker */
    call->processes = sb->as_root || processes > sb->uid_count ? processes : sb->uid_count;
    /* no file it writes grows past its /tmp: this caps the stderr file on the host's disk too */
    call->file_bytes = (uint64_t) tmp_mb << 20;
    call->network_none = network_none;
    call->bind_dir = bind_dir;
    call->bind_writable = bind_writable;
    call->cwd = cwd;
    snprintf(call->tmp_options, sizeof call->tmp_options, "size=%um,nr_inodes=%u,mode=1777,uid=%u,gid=%u",
             (unsigned) tmp_mb, TMP_INODES, (unsigned) call->uid, (unsigned) call->uid);
    path_join(call->tmp_path, sizeof call->tmp_path, sb->root, "tmp");
    path_join(call->bind_path, sizeof call->bind_path, sb->root, bind_writable ? "build" : "fn");
    path_join(call->proc_path, sizeof call->proc_path, sb->root, "proc");
    call->slot_mnt_fd = call->cpu_procs_fd = -1;
    call->launched = 0;
    call->remount_tmp = call->rebind = 0;
    if (!sb->slots) return 0;
    struct sandbox_slot *s = &sb->slots[slot];
    if (s->mnt_fd < 0 && slot_make(sb, slot, call->tmp_options, tmp_mb) != 0) return -1;
    if (s->launcher == 0) launcher_start(s); /* made with the slot, or again after it died */
    call->slot_mnt_fd = s->mnt_fd;
    call->cpu_procs_fd = s->cpu_procs_fd;
    call->remount_tmp = s->tmp_mb != tmp_mb;
    call->rebind = strcmp(s->fn_dir, bind_dir) != 0;
    /* recorded now: the child cannot tell us, and a failed start makes sandbox_slot_reset forget it */
    s->tmp_mb = tmp_mb;
    snprintf(s->fn_dir, sizeof s->fn_dir, "%s", bind_dir);
    return 0;
}

/* Empties a directory it holds open, without following links; false when it could not. */
static int empty_dir(int dir_fd, int depth) {
    int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0) close(fd);
        return 0;
    }
    int ok = 1;
    struct dirent *e;
    while (ok && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (unlinkat(dir_fd, e->d_name, 0) == 0) continue;
        if (errno != EISDIR || depth >= 32) { ok = 0; break; }
        int sub = openat(dir_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        ok = sub >= 0 && empty_dir(sub, depth + 1);
        if (sub >= 0) close(sub);
        ok = ok && unlinkat(dir_fd, e->d_name, AT_REMOVEDIR) == 0;
    }
    closedir(dir);
    return ok;
}

/* Called once the call's init was reaped: its PID namespace, so every process of the slot, is gone. */
void sandbox_slot_reset(struct sandbox *sb, unsigned index, int failed_start) {
    if (!sb->slots) return;
    struct sandbox_slot *slot = &sb->slots[index];
    if (slot->mnt_fd < 0) return;
    if (failed_start) {
        slot->fn_dir[0] = '\0'; /* it may have died before binding or remounting: check again next time */
        slot->tmp_mb = 0;
    }
    if (!empty_dir(slot->tmp_fd, 0)) slot_forget(slot); /* a fresh slot next time, rather than leftovers */
}

static int set_limit(int resource, uint64_t value) {
    struct rlimit rl = { .rlim_cur = (rlim_t) value, .rlim_max = (rlim_t) value };
    return setrlimit(resource, &rl);
}

/* Not root in the user namespace either: every capability goes, including from the bounding set. */
static int drop_capabilities(void) {
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return -1;
    }
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    return (int) syscall(SYS_capset, &header, data);
}

/*
 * Runs in the child of a vfork-style clone that shares the server's memory: only system calls,
 * and raw ones for the ids (glibc's setresuid would try to synchronise the server's threads).
 */
static const char *bind_function_dir(const struct sandbox_call *call) {
    if (mount(call->bind_dir, call->bind_path, NULL, MS_BIND, NULL) != 0) return "cannot bind the function's directory";
    unsigned long ro = call->bind_writable ? 0 : MS_RDONLY;
    if (mount(NULL, call->bind_path, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | ro | locked_flags(call->bind_dir), NULL) != 0) {
        return "cannot make the function's directory read-only";
    }
    return NULL;
}

/* A slot's namespace: only what differs from the slot's last call is changed. No /proc there. */
static const char *enter_slot(const struct sandbox_call *call) {
    if (!call->launched) { /* else the launcher sits in both already */
        /* fairness, not a boundary: a group someone removed must not stop the call */
        if (call->cpu_procs_fd >= 0 && write(call->cpu_procs_fd, "0", 1) != 1) { /* it runs in the worker's group */ }
        if (setns(call->slot_mnt_fd, CLONE_NEWNS) != 0) return "cannot enter the slot's mount namespace";
    }
    if (call->remount_tmp && mount(NULL, call->tmp_path, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV, call->tmp_options) != 0) {
        return "cannot resize /tmp";
    }
    if (!call->rebind) return NULL;
    if (umount2(call->bind_path, MNT_DETACH) != 0 && errno != EINVAL) return "cannot unbind the last function's directory";
    return call->bind_dir[0] ? bind_function_dir(call) : NULL;
}

/* A one-shot start (a build, the probe): its own copy of the namespace, fresh /tmp, /proc. */
static const char *mount_fresh(const struct sandbox_call *call) {
    if (mount("faas-tmp", call->tmp_path, "tmpfs", MS_NOSUID | MS_NODEV, call->tmp_options) != 0) return "cannot mount /tmp";
    if (call->bind_dir[0]) {
        const char *failed = bind_function_dir(call);
        if (failed) return failed;
    }
    if (mount("proc", call->proc_path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) return "cannot mount /proc";
    return NULL;
}

const char *sandbox_enter(const struct sandbox *sb, const struct sandbox_call *call) {
    const char *failed = call->slot_mnt_fd >= 0 ? enter_slot(call) : mount_fresh(call);
    if (failed) return failed;
    if (call->network_none && (sb->empty_netns < 0 || setns(sb->empty_netns, CLONE_NEWNET) != 0)) {
        return "cannot enter the empty network namespace";
    }
    if (chdir(sb->root) != 0 || chroot(".") != 0) return "cannot enter the sandbox root";
    if (chdir(call->cwd) != 0) return "cannot change to the working directory";
    umask(022);
    /* past RLIMIT_FSIZE a write fails with EFBIG instead of killing the process (kept across exec) */
    signal(SIGXFSZ, SIG_IGN);
    if (set_limit(RLIMIT_NPROC, call->processes) != 0 || set_limit(RLIMIT_FSIZE, call->file_bytes) != 0
        || set_limit(RLIMIT_NOFILE, NOFILE_LIMIT) != 0) {
        return "cannot set the limits";
    }
    if (sb->as_root) {
        if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, call->uid, call->uid, call->uid) != 0
            || syscall(SYS_setresuid, call->uid, call->uid, call->uid) != 0) {
            return "cannot switch to the sandbox uid";
        }
    } else if (drop_capabilities() != 0) {
        return "cannot drop capabilities";
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return "cannot set no_new_privs";
    if (!sb->filtered && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &syscall_filter_program, 0, 0) != 0) {
        return "cannot install the system call filter";
    }
    return NULL;
}

static void leave_group(int parent_fd, const char *dir) {
    if (parent_fd < 0) return;
    int procs = openat(parent_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
    if (procs >= 0) {
        if (write(procs, "0", 1) != 1) { /* then the group stays until a later server sweeps it */ }
        close(procs);
    }
    const char *name = strrchr(dir, '/');
    if (name) unlinkat(parent_fd, name + 1, AT_REMOVEDIR);
}

/* Best effort at exit: the server leaves its cgroups for their parents, and removes them once empty. */
void sandbox_release(const struct sandbox *sb) {
    if (sb->slots) { /* launchers sit in the slots' groups: those are removed below only once empty */
        for (unsigned i = 0; i < sb->uid_count; i++) launcher_stop(&sb->slots[i]);
    }
    if (sb->cgroup_version != 0) leave_group(sb->cgroup_parent_fd, sb->cgroup_dir);
    if (sb->cpu_dir[0] && sb->cpu_parent_fd >= 0) {
        if (sb->cpu_group_fd >= 0) remove_slot_groups(sb->cpu_group_fd);
        leave_group(sb->cpu_parent_fd, sb->cpu_dir);
    }
}
