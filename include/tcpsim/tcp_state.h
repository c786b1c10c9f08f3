/* The eleven states of RFC 9293 3.3.2 (Figure 5), ordered so that range checks
 * answer questions such as "is the connection synchronized?". */
#ifndef TCPSIM_TCP_STATE_H
#define TCPSIM_TCP_STATE_H

#include <stdbool.h>

#define TCP_STATE_LIST(X)                                                                          \
    X(CLOSED)                                                                                      \
    X(LISTEN)                                                                                      \
    X(SYN_SENT)                                                                                    \
    X(SYN_RECV)                                                                                    \
    X(ESTABLISHED)                                                                                 \
    X(CLOSE_WAIT)                                                                                  \
    X(FIN_WAIT1)                                                                                   \
    X(CLOSING)                                                                                     \
    X(LAST_ACK)                                                                                    \
    X(FIN_WAIT2)                                                                                   \
    X(TIME_WAIT)

enum tcp_state {
#define TCP_STATE_ENUM(name) TCP_##name,
    TCP_STATE_LIST(TCP_STATE_ENUM)
#undef TCP_STATE_ENUM
        TCP_STATE_COUNT
};

/* Names as netstat prints them: "SYN_SENT", "FIN_WAIT1", ... */
const char *tcp_state_name(enum tcp_state state);
/* Accepts netstat names and RFC spellings ("SYN-RECEIVED", "FIN-WAIT-1",
 * "SYN_RCVD"). Returns -1 if unknown. */
int tcp_state_from_name(const char *name);

/* RFC 9293 3.10.7.4: states in which both sequence spaces are synchronized. */
static inline bool tcp_state_synchronized(enum tcp_state s) { return s >= TCP_ESTABLISHED; }
/* States that have sent a FIN (our side is closed for sending). */
static inline bool tcp_state_fin_sent(enum tcp_state s)
{
    return s >= TCP_FIN_WAIT1 || s == TCP_LAST_ACK;
}

#endif
