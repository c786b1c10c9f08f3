/* `tcpsim plot`: the command-line half of the pictures (see plot_cli.c). */
#ifndef TCPSIM_PLOT_CLI_H
#define TCPSIM_PLOT_CLI_H

/* argv0 is the program's path (to find plots/ beside it); argv holds the
 * arguments after "plot". Returns the process exit status. */
int plot_cli_main(const char *argv0, int argc, char **argv);

#endif
