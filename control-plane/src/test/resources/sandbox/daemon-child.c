// Hostile: leaves a daemon behind. The function forks; the child starts its own session and forks
// again; the grandchild takes the name given in MARKER (so the test can look for it in the host's
// /proc), keeps stdout open and sleeps for a minute. The function answers once the daemon is set
// up and exits 0 at once.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    const char *marker = getenv("MARKER");
    int ready[2];
    if (marker == NULL || pipe(ready) != 0) {
        return 2;
    }
    pid_t child = fork();
    if (child < 0) {
        return 3;
    }
    if (child == 0) {
        setsid();
        pid_t daemon = fork();
        if (daemon != 0) {
            _exit(daemon < 0 ? 1 : 0);
        }
        prctl(PR_SET_NAME, marker, 0, 0, 0);
        close(ready[0]);
        if (write(ready[1], "r", 1) != 1) {
            _exit(1);
        }
        close(ready[1]);
        sleep(60); // stdout is still the call's pipe
        _exit(0);
    }
    close(ready[1]);
    waitpid(child, NULL, 0);
    char byte;
    int up = read(ready[0], &byte, 1) == 1;
    printf("{\"daemonStarted\":%s,\"marker\":\"%s\"}\n", up ? "true" : "false", marker);
    fflush(stdout);
    return 0;
}
