/* tcpsim soak and tcpsim explore: the invariant checker's commands. */
#ifndef TCPSIM_SOAK_CLI_H
#define TCPSIM_SOAK_CLI_H

int soak_cli_main(int argc, char **argv);
int explore_cli_main(int argc, char **argv);

#endif
