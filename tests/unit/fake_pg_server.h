/*
 * fake_pg_server.h — stand-ins for a PostgreSQL server in the unit tests.
 * Both are called inside a Check test: a failed step fails the test.
 */
#ifndef FOSTER_FAKE_PG_SERVER_H
#define FOSTER_FAKE_PG_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

/* A listener on 127.0.0.1 that never accepts: the TCP handshake succeeds, then nothing
 * answers. Sets *port; returns the socket, which the caller closes. */
int silent_listener(int *port);

/*
 * A child process on 127.0.0.1 (*port set) that answers every connection with
 * one ErrorResponse (severity FATAL, `sqlstate`, `message`): instead of the
 * login, or (`at_query`) after a login without password, in reply to the
 * first query. It dies with the test; the caller kills and reaps it.
 */
pid_t spawn_fake_server(int *port, bool at_query, const char *sqlstate, const char *message);

#endif
