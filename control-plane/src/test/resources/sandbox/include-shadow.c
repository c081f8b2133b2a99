// Hostile at build time: the compiler would print the included file's lines in its errors.
#include "/etc/shadow"

int main(void) {
    return 0;
}
