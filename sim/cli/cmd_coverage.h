/* tcpsim coverage: RFC 9293 transition coverage of scenarios and scripts. */
#ifndef TCPSIM_CLI_CMD_COVERAGE_H
#define TCPSIM_CLI_CMD_COVERAGE_H

int cmd_coverage_main(int argc, char **argv);

#endif
