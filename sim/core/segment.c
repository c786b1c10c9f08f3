/* Segment control bits as text: the JSONL letters (S F R P A U), tcpdump's
 * bracketed form, and the parser scenarios use to name flags. */
#include "tcpsim/segment.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

/* The JSONL contract's fixed order. */
static const struct {
    uint8_t bit;
    char letter;
} segment_letters[] = {
    {TCP_SYN, 'S'}, {TCP_FIN, 'F'}, {TCP_RST, 'R'}, {TCP_PSH, 'P'}, {TCP_ACK, 'A'}, {TCP_URG, 'U'},
};

/* tcpdump's order (print-tcp.c tcp_flag_values): F S R P . U */
static const struct {
    uint8_t bit;
    char letter;
} segment_tcpdump_letters[] = {
    {TCP_FIN, 'F'}, {TCP_SYN, 'S'}, {TCP_RST, 'R'}, {TCP_PSH, 'P'}, {TCP_ACK, '.'}, {TCP_URG, 'U'},
};

#define SEGMENT_NFLAGS (sizeof segment_letters / sizeof segment_letters[0])

void segment_flag_letters(uint8_t flags, char out[7])
{
    int n = 0;
    for (size_t i = 0; i < SEGMENT_NFLAGS; i++)
        if (flags & segment_letters[i].bit)
            out[n++] = segment_letters[i].letter;
    out[n] = '\0';
}

void segment_flags_tcpdump(uint8_t flags, char out[8])
{
    int n = 0;
    for (size_t i = 0; i < SEGMENT_NFLAGS; i++)
        if (flags & segment_tcpdump_letters[i].bit)
            out[n++] = segment_tcpdump_letters[i].letter;
    out[n] = '\0';
    if (n == 0) /* tcpdump prints "none" for a segment with no bits set */
        strcpy(out, "none");
}

int segment_parse_flags(const char *text)
{
    int flags = 0;
    for (const char *p = text; *p; p++) {
        char c = (char)toupper((unsigned char)*p);
        if (c == '.')
            c = 'A';
        size_t i = 0;
        while (i < SEGMENT_NFLAGS && segment_letters[i].letter != c)
            i++;
        if (i == SEGMENT_NFLAGS)
            return -1;
        flags |= segment_letters[i].bit;
    }
    return flags;
}
