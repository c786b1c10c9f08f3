/* cmocka 1.1.5 needs these headers before its own. Include this, not cmocka.h. */
#ifndef TCPSIM_CMOCKA_WRAP_H
#define TCPSIM_CMOCKA_WRAP_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#endif
