/* Virtual time: signed 64-bit nanoseconds since the start of a run.
 * The model never reads a wall clock; every time it sees comes from the engine. */
#ifndef TCPSIM_TIME_H
#define TCPSIM_TIME_H

#include <stdint.h>

typedef int64_t sim_time_t; /* nanoseconds */

#define SIM_NS(x) ((sim_time_t)(x))
#define SIM_US(x) ((sim_time_t)(x)*1000)
#define SIM_MS(x) ((sim_time_t)(x)*1000000)
#define SIM_S(x) ((sim_time_t)(x)*1000000000)
#define SIM_TIME_MAX INT64_MAX
#define SIM_TIME_NEVER INT64_MAX

#endif
