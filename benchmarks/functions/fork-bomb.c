/* A fork bomb for the sandbox benchmark's neighbour scenario: every process forks for as long as
 * it lives. Deployed only to the sandboxed platform, where its descriptor's process cap stops it
 * and its timeout ends it; never run it unsandboxed. */
#include <unistd.h>

int main(void) {
    for (;;) {
        fork();
    }
}
