/* Reports what one call sees; asked to, spoils what a reused instance could pass on to the next call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    char body[256];
    size_t n = fread(body, 1, sizeof body - 1, stdin);
    body[n] = 0;
    const char *query = getenv("QUERY_STRING");
    struct timespec now;
    printf("in=%s q=%s clock=%s\n", body, query ? query : "-", clock_gettime(CLOCK_REALTIME, &now) == 0 ? "ok" : "no");
    fflush(stdout);
    if (strstr(body, "spoil")) {
        setenv("QUERY_STRING", "spoiled", 1);
        close(0);
        close(1);
        close(2);
        exit(7);
    }
    return 0;
}
