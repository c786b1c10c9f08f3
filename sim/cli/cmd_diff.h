/* tcpsim diff: the first event where two timelines part. */
#ifndef TCPSIM_CLI_CMD_DIFF_H
#define TCPSIM_CLI_CMD_DIFF_H

int cmd_diff_main(int argc, char **argv);

#endif
