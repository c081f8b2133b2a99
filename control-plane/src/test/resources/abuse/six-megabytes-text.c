// Prints 6,000,000 bytes of plain text: wrapped by the worker as {"result":"..."}.
#include <stdio.h>
#include <string.h>

int main(void) {
    static char buf[6000000];
    memset(buf, 'a', sizeof buf);
    fwrite(buf, 1, sizeof buf, stdout);
    return 0;
}
