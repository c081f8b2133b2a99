// Hostile at build time: the test replaces the placeholder with the admin token's absolute path.
#include "@TOKEN_PATH@"

int main() {
    return 0;
}
