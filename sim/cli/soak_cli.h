/* tcpsim soak: random scenarios under the invariant checker. */
#ifndef TCPSIM_SOAK_CLI_H
#define TCPSIM_SOAK_CLI_H

int soak_cli_main(int argc, char **argv);

#endif
