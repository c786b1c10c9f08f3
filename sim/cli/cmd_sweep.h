/* tcpsim sweep: a parameter grid, run in parallel processes or handed to
 * GNU parallel or Slurm, merged into one CSV. */
#ifndef TCPSIM_CLI_CMD_SWEEP_H
#define TCPSIM_CLI_CMD_SWEEP_H

int cmd_sweep_main(const char *argv0, int argc, char **argv);

#endif
