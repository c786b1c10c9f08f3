/* The packetdrill front end's private types: the tokens of the lexer and the
 * script as a list of events (the AST the parser builds and the peer runs).
 *
 * Layer: sim/pkt sits between scenario and run (core < net < tcp < sock <
 * trace < scenario < pkt < run < cli). It may include every lower layer. */
#ifndef TCPSIM_PKT_INTERNAL_H
#define TCPSIM_PKT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpsim/pkt.h"
#include "tcpsim/segment.h"

/* ------------------------------------------------------------------ lexer */

enum pk_tok {
    PK_EOF,
    PK_INT,      /* 12, -1, 0x2 */
    PK_FLOAT,    /* .1, 0.200 */
    PK_WORD,     /* SOCK_STREAM, S, mss, TS */
    PK_STRING,   /* "..." (text without the quotes) */
    PK_BACKQ,    /* `...` (text without the backquotes) */
    PK_CODE,     /* %{ ... }% (text inside) */
    PK_ELLIPSIS, /* ... */
    PK_OPTION,   /* --name (the name without dashes) */
    PK_PUNCT,    /* one character: < > : ( ) [ ] { } , = | + * ~ . - ! */
};

struct pk_token {
    enum pk_tok kind;
    int line, col;
    const char *text; /* into the buffer */
    size_t len;
    int64_t ival;
    double fval;
    char punct;
    bool space_before; /* whitespace or a comment precedes it */
};

struct pk_lexer_out {
    struct pk_token *toks;
    size_t count;
};

/* Tokenizes `buf`; returns 0, or -1 with a "line:col: message" in err. */
int pk_lex(const char *buf, size_t len, struct pk_lexer_out *out, char *err, size_t errlen);

/* pkt_yaml.c: a YAML scenario with a `peer:` list, as a script. */
bool pkt_yaml_is_script(const char *buf, size_t len);
int pkt_parse_yaml(const char *file, const char *buf, size_t len, struct pkt_script **out,
                   char *err, size_t errlen);

/* -------------------------------------------------------------------- AST */

enum pk_time_kind { PT_ABS, PT_REL, PT_ANY, PT_ABS_RANGE, PT_REL_RANGE };

/* One TCP option as the script writes it. */
enum pk_opt_kind { PO_NOP, PO_EOL, PO_MSS, PO_WSCALE, PO_SACKOK, PO_SACK, PO_TS, PO_OTHER };
struct pk_opt {
    enum pk_opt_kind kind;
    uint32_t a, b; /* mss / wscale / TS val, ecr */
    uint8_t nsack;
    uint32_t sack[TCP_MAX_SACK_BLOCKS][2];
    char name[16]; /* PO_OTHER: FO, md5, ... (never matched) */
};

#define PK_MAX_OPTS 16
struct pk_packet {
    bool inbound;
    uint8_t flags; /* enum tcp_flag */
    bool ece, cwr;
    uint32_t seq, seq_end, len;
    bool has_ack;
    uint32_t ack;
    int64_t win; /* -1: not checked */
    uint32_t urg;
    bool opts_any; /* <...> */
    int nopts;
    struct pk_opt opts[PK_MAX_OPTS];
    uint16_t sport, dport; /* 0: the connection's */
    bool ecn_codepoint;    /* [ect0], [ect1], [ce]: an IP ECN field (not modelled) */
};

/* A syscall argument or result: packetdrill's expression language, kept
 * generic (the runtime reads what each call needs). */
enum pk_expr_kind {
    PE_ELLIPSIS,
    PE_INT,
    PE_WORD,
    PE_STRING,
    PE_LIST,   /* [a, b] */
    PE_STRUCT, /* {a, name=b, f(x)=c} */
    PE_OR,     /* a | b */
    PE_ASSIGN, /* name=expr (inside a struct); name in `word` */
    PE_CALL,   /* htons(8080), inet_addr("..."), msg_name(...) */
};
struct pk_expr {
    enum pk_expr_kind kind;
    int line, col;
    int64_t ival;
    char *word;             /* PE_WORD, PE_STRING, PE_ASSIGN, PE_CALL */
    struct pk_expr **items; /* PE_LIST, PE_STRUCT, PE_OR (2), PE_ASSIGN (1), PE_CALL */
    size_t count;
};

struct pk_syscall {
    char *name;
    bool blocking; /* `...end` given */
    int64_t end_us;
    struct pk_expr **args;
    size_t nargs;
    struct pk_expr *result;
    char *err; /* errno name, or NULL */
};

enum pk_event_kind { PK_EV_PACKET, PK_EV_SYSCALL, PK_EV_COMMAND, PK_EV_CODE };
struct pk_event {
    enum pk_event_kind kind;
    int line, col;
    enum pk_time_kind tkind;
    int64_t t_us, t_end_us;
    struct pk_packet pkt;
    struct pk_syscall call;
    char *text; /* command line or code */
};

struct pkt_script {
    char *file;
    int64_t tolerance_us; /* -1: packetdrill's default */
    bool strict_segments; /* --strict_segments: no merging of outbound segments */
    char *profile;        /* a YAML peer scenario's profile: (NULL: linux) */
    uint64_t seed;
    char *init_command; /* a `...` before the first event */
    char *cleanup_command;
    struct pk_event *events;
    size_t count;
    size_t cap;
};

#endif
