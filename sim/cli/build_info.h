/* What this binary is and where its installed data lives: set by the
 * Makefile on the command line of build_info.c alone, so a new git revision
 * or prefix rebuilds one small file. */
#ifndef TCPSIM_BUILD_INFO_H
#define TCPSIM_BUILD_INFO_H

#include <stddef.h>

const char *build_version(void);  /* "0.1.0" */
const char *build_revision(void); /* git revision, "unknown" outside git */

/* The folder of the installed gnuplot scripts: DATADIR/tcpsim/plots beside
 * the running binary (BINDIR/../share/tcpsim/plots, so an installed tree
 * works wherever it is unpacked), else the one the build was configured
 * for. Writes it into out[size]; returns 0 when ladder.gp is there. */
int build_plots_dir(char *out, size_t size);

#endif
