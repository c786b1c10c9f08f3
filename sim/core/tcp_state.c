/* State names: netstat's spelling out, and netstat's or the RFC's spelling in
 * ("SYN-RECEIVED", "FIN-WAIT-1", BSD's "SYN_RCVD"), for scenarios. */
#include "tcpsim/tcp_state.h"

#include <ctype.h>
#include <string.h>

static const char *const tcp_state_names[] = {
#define TCP_STATE_NAME(name) #name,
    TCP_STATE_LIST(TCP_STATE_NAME)
#undef TCP_STATE_NAME
};

const char *tcp_state_name(enum tcp_state state)
{
    if ((int)state < 0 || state >= TCP_STATE_COUNT)
        return "?";
    return tcp_state_names[state];
}

/* Upper-case with '-' and '_' removed, so "fin-wait-1" and "FIN_WAIT1" meet.
 * Returns -1 if the name does not fit. */
static int tcp_state_squash(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in; in++) {
        if (*in == '-' || *in == '_')
            continue;
        if (n + 1 >= size)
            return -1;
        out[n++] = (char)toupper((unsigned char)*in);
    }
    out[n] = '\0';
    return 0;
}

int tcp_state_from_name(const char *name)
{
    char want[24], have[24];
    if (tcp_state_squash(name, want, sizeof want) < 0 || want[0] == '\0')
        return -1;
    /* RFC 9293 and BSD spellings of SYN-RECEIVED. */
    if (strcmp(want, "SYNRECEIVED") == 0 || strcmp(want, "SYNRCVD") == 0)
        return TCP_SYN_RECV;
    for (int s = 0; s < TCP_STATE_COUNT; s++) {
        tcp_state_squash(tcp_state_names[s], have, sizeof have);
        if (strcmp(want, have) == 0)
            return s;
    }
    return -1;
}
