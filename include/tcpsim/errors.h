/* Error codes of the simulator: the socket API's errno-style results and the
 * library's own failures, generated from one list so names and messages agree. */
#ifndef TCPSIM_ERRORS_H
#define TCPSIM_ERRORS_H

#define TS_ERROR_LIST(X)                                                                           \
    X(OK, "success")                                                                               \
    X(EINPROGRESS, "operation in progress")                                                        \
    X(ECONNREFUSED, "connection refused")                                                          \
    X(ECONNRESET, "connection reset by peer")                                                      \
    X(ECONNABORTED, "connection aborted")                                                          \
    X(ETIMEDOUT, "connection timed out")                                                           \
    X(EPIPE, "broken pipe")                                                                        \
    X(ENOTCONN, "socket is not connected")                                                         \
    X(EALREADY, "operation already in progress")                                                   \
    X(EISCONN, "socket is already connected")                                                      \
    X(EADDRINUSE, "address already in use")                                                        \
    X(EADDRNOTAVAIL, "cannot assign requested address")                                            \
    X(EHOSTUNREACH, "no route to host")                                                            \
    X(EINVAL, "invalid argument")                                                                  \
    X(EAGAIN, "resource temporarily unavailable")                                                  \
    X(ENOMEM, "out of memory")                                                                     \
    X(ENOENT, "no such object")                                                                    \
    X(EBADF, "bad socket")

enum ts_err {
#define TS_ERR_ENUM(name, msg) TS_##name,
    TS_ERROR_LIST(TS_ERR_ENUM)
#undef TS_ERR_ENUM
        TS_ERR_COUNT
};

/* "ECONNREFUSED"; "0" for TS_OK (the value a socket call returns). */
const char *ts_err_name(int err);
const char *ts_err_message(int err);
/* Inverse of ts_err_name; also accepts "0" and "OK". Returns -1 if unknown. */
int ts_err_from_name(const char *name);

#endif
