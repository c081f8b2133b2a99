/*
 * Native hello: reads a JSON body on stdin and greets its top-level "name" string.
 * Uses a tiny hand-written scanner instead of a JSON library so the file compiles with a bare
 * "gcc -O2 hello.c"; anything it does not understand falls back to "World".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BODY (1 << 20)
#define MAX_NAME 256

static const char *skip_ws(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* Reads a JSON string starting at the opening quote into out (may be NULL); returns the position after it. */
static const char *read_string(const char *p, char *out, size_t cap) {
    size_t n = 0;
    if (*p != '"') return NULL;
    for (p++; *p && *p != '"'; p++) {
        char c = *p;
        if (c == '\\') {
            p++;
            switch (*p) {
                case 'n': c = '\n'; break;
                case 't': c = '\t'; break;
                case 'r': c = '\r'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'u': /* non-ASCII escapes are not decoded: keep a placeholder */
                    if (strlen(p) < 5) return NULL;
                    p += 4;
                    c = '?';
                    break;
                case '\0': return NULL;
                default: c = *p; /* \" \\ \/ */
            }
        }
        if (out && n + 1 < cap) out[n++] = c;
    }
    if (out) out[n] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

/* Skips any JSON value; returns the position after it or NULL when malformed. */
static const char *skip_value(const char *p) {
    p = skip_ws(p);
    if (*p == '"') return read_string(p, NULL, 0);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = skip_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                p = read_string(skip_ws(p), NULL, 0);
                if (!p) return NULL;
                p = skip_ws(p);
                if (*p++ != ':') return NULL;
            }
            p = skip_value(p);
            if (!p) return NULL;
            p = skip_ws(p);
            if (*p == ',') { p++; continue; }
            return *p == close ? p + 1 : NULL;
        }
    }
    while (*p && strchr(",}] \t\r\n", *p) == NULL) p++; /* number, true, false, null */
    return p;
}

/* Finds the top-level "name" string of a JSON object; returns 1 when found. */
static int find_name(const char *json, char *name, size_t cap) {
    char key[64];
    const char *p = skip_ws(json);
    if (*p++ != '{') return 0;
    for (;;) {
        p = skip_ws(p);
        if (*p != '"') return 0;
        p = read_string(p, key, sizeof key);
        if (!p) return 0;
        p = skip_ws(p);
        if (*p++ != ':') return 0;
        p = skip_ws(p);
        if (strcmp(key, "name") == 0 && *p == '"') {
            return read_string(p, name, cap) != NULL && name[0] != '\0';
        }
        p = skip_value(p);
        if (!p) return 0;
        p = skip_ws(p);
        if (*p++ != ',') return 0;
    }
}

static void print_json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char) *s;
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c < 0x20) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

int main(void) {
    static char body[MAX_BODY + 1];
    char name[MAX_NAME] = "World";
    size_t len = fread(body, 1, MAX_BODY, stdin);
    body[len] = '\0';

    if (!find_name(body, name, sizeof name)) strcpy(name, "World");

    char greeting[MAX_NAME + 8];
    snprintf(greeting, sizeof greeting, "Hello, %s", name);
    fputs("{\"message\":", stdout);
    print_json_string(greeting);
    fputs(",\"runtime\":\"c\"}\n", stdout);
    return 0;
}
