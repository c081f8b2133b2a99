/*
 * Benchmark hello: reads the whole JSON body from stdin (so 1 MiB bodies are consumed, not cut
 * short), greets the first "name" string it finds, and answers JSON with the byte count.
 * Only stdio, so the same file compiles natively (gcc) and to wasm32-wasi (clang).
 */
#include <stdio.h>
#include <string.h>

#define KEEP 4096 /* only the head of the body is searched for the name */

int main(void) {
    static char head[KEEP + 1];
    static char chunk[65536];
    size_t kept = 0, total = 0, n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (kept < KEEP) {
            size_t take = n < KEEP - kept ? n : KEEP - kept;
            memcpy(head + kept, chunk, take);
            kept += take;
        }
        total += n;
    }
    head[kept] = '\0';

    char name[64] = "World";
    const char *p = strstr(head, "\"name\"");
    if (p) {
        p = strchr(p + 6, '"');
        if (p) {
            size_t i = 0;
            for (p++; *p && *p != '"' && *p != '\\' && i + 1 < sizeof name; p++) {
                if ((unsigned char) *p >= 0x20) name[i++] = *p;
            }
            if (i > 0) name[i] = '\0';
        }
    }
    printf("{\"message\":\"Hello, %s\",\"bytes\":%zu,\"runtime\":\"c\"}\n", name, total);
    return 0;
}
