/*
 * pqapi.h — libpq, loaded the first time foster talks to PostgreSQL.
 *
 * libpq brings some twenty libraries (OpenSSL, Kerberos, LDAP, GnuTLS)
 * whose loading and start-up code cost every command milliseconds before
 * main(), more than a whole SQLite `reset`. So foster is not linked with
 * libpq: the PostgreSQL backend includes this header instead of
 * <libpq-fe.h>, and each libpq call below goes through a table that
 * foster_pq() fills with dlopen and dlsym at the first call (pqapi.c, with
 * util/lazylib.c). Define FOSTER_PQAPI_NO_MACROS to see the table without
 * the names.
 */
#ifndef FOSTER_PQAPI_H
#define FOSTER_PQAPI_H

#include <libpq-fe.h>

/* Every libpq function foster calls. */
#define FOSTER_PQ_FUNCTIONS(X)                                                                     \
    X(PQclear)                                                                                     \
    X(PQconnectPoll)                                                                               \
    X(PQconnectStart)                                                                              \
    X(PQconninfo)                                                                                  \
    X(PQconninfoFree)                                                                              \
    X(PQconninfoParse)                                                                             \
    X(PQconsumeInput)                                                                              \
    X(PQdb)                                                                                        \
    X(PQenterPipelineMode)                                                                         \
    X(PQerrorMessage)                                                                              \
    X(PQescapeIdentifier)                                                                          \
    X(PQescapeLiteral)                                                                             \
    X(PQexec)                                                                                      \
    X(PQexecParams)                                                                                \
    X(PQexitPipelineMode)                                                                          \
    X(PQfinish)                                                                                    \
    X(PQfreemem)                                                                                   \
    X(PQgetResult)                                                                                 \
    X(PQgetisnull)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQhost)                                                                                      \
    X(PQisBusy)                                                                                    \
    X(PQntuples)                                                                                   \
    X(PQpass)                                                                                      \
    X(PQpipelineSync)                                                                              \
    X(PQport)                                                                                      \
    X(PQputCopyData)                                                                               \
    X(PQputCopyEnd)                                                                                \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsendQuery)                                                                                 \
    X(PQsendQueryParams)                                                                           \
    X(PQserverVersion)                                                                             \
    X(PQsetErrorVerbosity)                                                                         \
    X(PQsetNoticeProcessor)                                                                        \
    X(PQsocket)                                                                                    \
    X(PQstatus)                                                                                    \
    X(PQuser)

typedef struct foster_pq_api {
#define FOSTER_LAZY_MEMBER(name) __typeof__(name) *name;
    FOSTER_PQ_FUNCTIONS(FOSTER_LAZY_MEMBER)
#undef FOSTER_LAZY_MEMBER
} foster_pq_api;

/* The loaded table; a missing library or function ends the process with a message naming it. */
const foster_pq_api *foster_pq(void);

#ifndef FOSTER_PQAPI_NO_MACROS
#define PQclear              (foster_pq()->PQclear)
#define PQconnectPoll        (foster_pq()->PQconnectPoll)
#define PQconnectStart       (foster_pq()->PQconnectStart)
#define PQconninfo           (foster_pq()->PQconninfo)
#define PQconninfoFree       (foster_pq()->PQconninfoFree)
#define PQconninfoParse      (foster_pq()->PQconninfoParse)
#define PQconsumeInput       (foster_pq()->PQconsumeInput)
#define PQdb                 (foster_pq()->PQdb)
#define PQenterPipelineMode  (foster_pq()->PQenterPipelineMode)
#define PQerrorMessage       (foster_pq()->PQerrorMessage)
#define PQescapeIdentifier   (foster_pq()->PQescapeIdentifier)
#define PQescapeLiteral      (foster_pq()->PQescapeLiteral)
#define PQexec               (foster_pq()->PQexec)
#define PQexecParams         (foster_pq()->PQexecParams)
#define PQexitPipelineMode   (foster_pq()->PQexitPipelineMode)
#define PQfinish             (foster_pq()->PQfinish)
#define PQfreemem            (foster_pq()->PQfreemem)
#define PQgetResult          (foster_pq()->PQgetResult)
#define PQgetisnull          (foster_pq()->PQgetisnull)
#define PQgetvalue           (foster_pq()->PQgetvalue)
#define PQhost               (foster_pq()->PQhost)
#define PQisBusy             (foster_pq()->PQisBusy)
#define PQntuples            (foster_pq()->PQntuples)
#define PQpass               (foster_pq()->PQpass)
#define PQpipelineSync       (foster_pq()->PQpipelineSync)
#define PQport               (foster_pq()->PQport)
#define PQputCopyData        (foster_pq()->PQputCopyData)
#define PQputCopyEnd         (foster_pq()->PQputCopyEnd)
#define PQresultErrorField   (foster_pq()->PQresultErrorField)
#define PQresultErrorMessage (foster_pq()->PQresultErrorMessage)
#define PQresultStatus       (foster_pq()->PQresultStatus)
#define PQsendQuery          (foster_pq()->PQsendQuery)
#define PQsendQueryParams    (foster_pq()->PQsendQueryParams)
#define PQserverVersion      (foster_pq()->PQserverVersion)
#define PQsetErrorVerbosity  (foster_pq()->PQsetErrorVerbosity)
#define PQsetNoticeProcessor (foster_pq()->PQsetNoticeProcessor)
#define PQsocket             (foster_pq()->PQsocket)
#define PQstatus             (foster_pq()->PQstatus)
#define PQuser               (foster_pq()->PQuser)
#endif

#endif
