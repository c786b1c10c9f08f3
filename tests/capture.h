/* A memory FILE a sink or formatter writes to, read back as a string: the
 * test helper shared by the text, JSONL, CSV and netstat tests. */
#ifndef TCPSIM_TEST_CAPTURE_H
#define TCPSIM_TEST_CAPTURE_H

#include <stdio.h>

struct capture {
    FILE *f;
    char *buf;
    size_t len;
};

static inline void capture_open(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

/* Closes the stream; the caller frees c->buf. */
static inline const char *capture_text(struct capture *c)
{
    fclose(c->f);
    c->f = NULL;
    return c->buf;
}

#endif
