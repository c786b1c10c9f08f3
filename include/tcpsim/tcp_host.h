/* TCP as the hosts' transport (sim/tcp/tcp_host.c): what net_init is given
 * so that a host hands its segments to TCP, lets TCP decide about TIME_WAIT
 * reuse, and has TCP forget or free its sockets on reboot and teardown. */
#ifndef TCPSIM_TCP_HOST_H
#define TCPSIM_TCP_HOST_H

#include "tcpsim/net.h"

extern const struct net_proto_ops tcp_proto_ops;

#endif
