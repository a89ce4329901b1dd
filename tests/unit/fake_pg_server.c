/*
 * fake_pg_server.c — two stand-ins for a PostgreSQL server, for the tests of
 * how foster reads a connection that fails (test_pgwait.c, test_pgrefusal.c).
 */
#include "fake_pg_server.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* A listener that never accepts: the TCP handshake succeeds, then nothing ever answers. */
int silent_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
    ck_assert_int_eq(listen(fd, 16), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&address, &length), 0);
    *port = ntohs(address.sin_port);
    return fd;
}

/*
 * A fake server: it answers every connection with one error, as a real one
 * does, either instead of accepting the login or (`at_query`) after a login
 * without password, in reply to the first query.
 */
pid_t spawn_fake_server(int *port, bool at_query, const char *sqlstate, const char *message)
{
    int listener = silent_listener(port);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid > 0) {
        close(listener);
        return pid;
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    static const char login_ok[] = {'R', 0, 0, 0, 8, 0, 0, 0, 0, 'Z', 0, 0, 0, 5, 'I'};
    char error[512];
    int length = snprintf(error + 5, sizeof error - 5, "SFATAL%cVFATAL%cC%s%cM%s%c", 0, 0, sqlstate,
                          0, message, 0);
    error[0] = 'E';
    uint32_t size = htonl((uint32_t)length + 1 + 4);
    memcpy(error + 1, &size, 4);
    error[5 + length] = 0;
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0)
            continue;
        unsigned char packet[1024];
        ssize_t got = read(client, packet, sizeof packet);
        /* SSLRequest and GSSENCRequest (8 bytes, codes 80877103/4): "no", then the startup. */
        while (got == 8 && packet[4] == 0x04 && packet[5] == 0xd2 && packet[6] == 0x16 &&
               write(client, "N", 1) == 1)
            got = read(client, packet, sizeof packet);
        if (got > 0 && at_query && write(client, login_ok, sizeof login_ok) == sizeof login_ok)
            got = read(client, packet, sizeof packet); /* the query */
        if (got > 0 && write(client, error, (size_t)length + 6) < 0)
            _exit(1);
        close(client);
    }
}
