/*
 * WASM hello: the same contract as ../hello.c (JSON body on stdin, JSON answer on stdout), built for
 * WASI at deploy ("runtime":"c","target":"wasm") and run inside the worker JVM by Chicory:
 *
 *   clang --target=wasm32-wasi --sysroot=/usr -O2 -o module.wasm hello.c
 *
 * It greets the body's top-level "name" (or the "name" query parameter, or "World") and reports the
 * request as the worker gave it: method, path and the function's own name (argv[0]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (64 * 1024)
#define MAX_NAME 128

/* Copies the JSON string value of the first "name" key in body into out; 1 when found. */
static int json_name(const char *body, char *out, size_t cap) {
    const char *p = strstr(body, "\"name\"");
    if (!p) return 0;
    p += 6;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p++ != ':') return 0;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p++ != '"') return 0;
    size_t n = 0;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\' && p[1]) c = *++p == 'n' ? '\n' : *p;
        if (n + 1 < cap) out[n++] = c;
    }
    out[n] = '\0';
    return *p == '"' && n > 0;
}

/* The value of name=... in a query string, undecoded; 1 when found. */
static int query_name(const char *query, char *out, size_t cap) {
    for (const char *p = query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, "name=", 5) == 0) {
            size_t n = strcspn(p + 5, "&");
            if (n == 0) return 0;
            if (n >= cap) n = cap - 1;
            memcpy(out, p + 5, n);
            out[n] = '\0';
            return 1;
        }
    }
    return 0;
}

static void put_json_string(const char *s) {
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

int main(int argc, char **argv) {
    static char body[MAX_BODY + 1];
    size_t len = fread(body, 1, MAX_BODY, stdin);
    body[len] = '\0';

    char name[MAX_NAME];
    if (!json_name(body, name, sizeof name) && !query_name(getenv("QUERY_STRING"), name, sizeof name)) {
        strcpy(name, "World");
    }
    char greeting[MAX_NAME + 8];
    snprintf(greeting, sizeof greeting, "Hello, %s", name);

    fputs("{\"message\":", stdout);
    put_json_string(greeting);
    fputs(",\"runtime\":\"wasm\",\"method\":", stdout);
    put_json_string(getenv("REQUEST_METHOD"));
    fputs(",\"path\":", stdout);
    put_json_string(getenv("PATH_INFO"));
    fputs(",\"function\":", stdout);
    put_json_string(argc > 0 ? argv[0] : "");
    fputs("}\n", stdout);
    return 0;
}
