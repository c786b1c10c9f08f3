/* What a socket's user pointer points at. Two applications share the
 * sockets of a run, the scripted one (runner.c) and the workloads
 * (workload.c); each record they hang on a socket starts with this tag, so
 * either can tell its own sockets from the other's. */
#ifndef TCPSIM_APP_TAG_H
#define TCPSIM_APP_TAG_H

#include <stdint.h>

enum app_tag_kind {
    APP_SCRIPTED = 1, /* runner.c: struct app_sock */
    APP_WL_CLIENT,    /* workload.c: struct wl_conn */
    APP_WL_SERVER,
    APP_WL_LISTENER, /* workload.c: struct wl_app */
    APP_WL_CLOSED,   /* a socket a workload let go of */
};

struct app_tag {
    uint8_t kind;
};

#endif
