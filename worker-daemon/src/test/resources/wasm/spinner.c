/* Answers at once, unless its body starts with 's': then it spins until its deadline stops it. */
#include <stdio.h>

int main(void) {
    int first = getchar();
    if (first == 's') {
        volatile unsigned long turns = 0;
        for (;;) {
            turns++;
        }
    }
    printf("{\"first\":%d}\n", first);
    return 0;
}
