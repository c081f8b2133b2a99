// Reports whether the function can open a TCP connection to TARGET_HOST (default 127.0.0.1, the
// platform's own gateway's host):TARGET_PORT: "connected", or the errno's name of the socket() or
// connect() that failed.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(void) {
    const char *port = getenv("TARGET_PORT");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        printf("{\"stage\":\"socket\",\"result\":\"%s\"}\n", strerrorname_np(errno));
        return 0;
    }
    struct timeval limit = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(port == NULL ? "0" : port))};
    const char *host = getenv("TARGET_HOST");
    inet_pton(AF_INET, host == NULL ? "127.0.0.1" : host, &addr.sin_addr);
    if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        printf("{\"stage\":\"connect\",\"result\":\"%s\"}\n", strerrorname_np(errno));
    } else {
        printf("{\"stage\":\"connect\",\"result\":\"connected\"}\n");
    }
    close(fd);
    return 0;
}
