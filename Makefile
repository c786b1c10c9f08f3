# tcpsim — build, test, demo, bench.
#   make          builds ./tcpsim (-O2)
#   make test     unit tests (ASan+UBSan), every scenario's expectations, bad inputs
#   make demo     runs the teaching scenarios, prints a timeline, writes plots
#   make bench    prints engine and simulator speed figures
#   make soak N=100000 [FROM=1]  random scenarios under the invariant checker;
#                 each violation shrunk to a scenario in out/soak/
#   make fuzz [FUZZ_SECONDS=120]  libFuzzer (clang) on the loader and on load-and-run
#   make format   applies .clang-format; make lint checks it and runs cppcheck
#   make install  installs under PREFIX (default /usr/local), honouring DESTDIR
#   make uninstall, make deb (a Debian package, needs dpkg-dev and debhelper)
#   make clean

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
INC     := -Iinclude -Isim
YAML_CFLAGS  := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS    := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CMOCKA_CFLAGS:= $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

# GNU directory variables (make install PREFIX=/usr DESTDIR=$PWD/stage).
VERSION     := 0.1.0
PREFIX      ?= /usr/local
prefix      ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir      ?= $(exec_prefix)/bin
datarootdir ?= $(prefix)/share
datadir     ?= $(datarootdir)
mandir      ?= $(datarootdir)/man
docdir      ?= $(datarootdir)/doc/tcpsim
bashcompdir ?= $(datarootdir)/bash-completion/completions
INSTALL     ?= install
GIT_REV     := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
BUILD_INFO  := -DTCPSIM_VERSION='"$(VERSION)"' -DTCPSIM_GIT_REV='"$(GIT_REV)"' \
               -DTCPSIM_DATADIR='"$(datadir)"'

REL_CFLAGS  := $(CSTD) $(WARN) $(INC) $(YAML_CFLAGS) -O2 -g -DNDEBUG
TEST_CFLAGS := $(CSTD) $(WARN) $(INC) $(YAML_CFLAGS) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all -DTCPSIM_TESTING
TEST_LDFLAGS:= -fsanitize=address,undefined

SIM_SRC  := $(sort $(wildcard sim/*/*.c))
LIB_SRC  := $(filter-out sim/cli/main.c,$(SIM_SRC))
REL_OBJ  := $(patsubst sim/%.c,build/rel/%.o,$(LIB_SRC))
TEST_OBJ := $(patsubst sim/%.c,build/test/%.o,$(LIB_SRC))
UNIT_SRC := $(sort $(wildcard tests/test_*.c))
UNIT_BIN := $(patsubst tests/%.c,build/test/%,$(UNIT_SRC))
BENCH_SRC:= $(sort $(wildcard tests/bench/*.c))
BENCH_BIN:= $(patsubst tests/bench/%.c,build/bench/%,$(BENCH_SRC))
HEADERS  := $(wildcard include/tcpsim/*.h sim/*/*.h tests/*.h)
# libFuzzer targets (tests/fuzz/fuzz_*.c): built with clang for `make fuzz`,
# and with the test flags and a replay main for `make test` (no clang needed).
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAY_BIN := $(patsubst tests/fuzz/fuzz_%.c,build/test/replay_%,$(FUZZ_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,$(FUZZ_SRC))
FUZZ_CC  ?= clang
FUZZ_CFLAGS := $(CSTD) -Wall -Wextra $(INC) $(YAML_CFLAGS) -O1 -g -fno-omit-frame-pointer \
               -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_OBJ := $(patsubst sim/%.c,build/fuzz/%.o,$(LIB_SRC))
FUZZ_SECONDS ?= 120
.SECONDARY: $(FUZZ_OBJ)

.PHONY: all deps test unit check-scenarios bad-inputs demo bench plots clean lint format \
        install uninstall man completion deb soak fuzz FORCE

all: tcpsim man completion

deps:
	@scripts/install-deps.sh

tcpsim: build/rel/cli/main.o $(REL_OBJ)
	@echo "  LD      $@"
	@$(CC) -o $@ $^ $(YAML_LIBS) -lm

build/rel/%.o: sim/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(REL_CFLAGS) -c -o $@ $<

build/test/%.o: sim/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC/test $<"
	@$(CC) $(TEST_CFLAGS) -c -o $@ $<

# Version, git revision and data folder reach build_info.c alone; the stamp
# changes (and rebuilds it) only when one of them does.
build/info.stamp: FORCE
	@mkdir -p build
	@echo '$(BUILD_INFO)' | cmp -s - $@ || echo '$(BUILD_INFO)' > $@
build/rel/cli/build_info.o build/test/cli/build_info.o: build/info.stamp
build/rel/cli/build_info.o: REL_CFLAGS += $(BUILD_INFO)
build/test/cli/build_info.o: TEST_CFLAGS += $(BUILD_INFO)

# Man pages and bash completion: the TCP parameter lists come from the
# README's table (one source), generated into build/.
man: build/man/tcpsim.1 build/man/tcpsim-scenario.5
build/man/tcpsim.1: man/tcpsim.1
	@mkdir -p $(@D)
	@cp $< $@
build/man/tcpsim-scenario.5: man/tcpsim-scenario.5.in README.md scripts/man-params.awk
	@mkdir -p $(@D)
	@awk -f scripts/man-params.awk README.md > $@.params
	@awk 'FNR==NR { p = p $$0 "\n"; next } /^@TCP_PARAMETERS@$$/ { printf "%s", p; next } { print }' \
	    $@.params $< > $@
	@rm -f $@.params
completion: build/completion/tcpsim
build/completion/tcpsim: completion/tcpsim.bash.in README.md scripts/set-keys.awk
	@mkdir -p $(@D)
	@awk -f scripts/set-keys.awk README.md > $@.keys
	@awk 'FNR==NR { k = k (k ? " " : "") $$0; next } { gsub(/@SET_KEYS@/, k); print }' \
	    $@.keys $< > $@
	@rm -f $@.keys

# make install [PREFIX=/usr] [DESTDIR=...]: binary, gnuplot scripts, man
# pages, completion, examples. uninstall removes exactly that list.
INSTALLED := $(bindir)/tcpsim $(mandir)/man1/tcpsim.1 $(mandir)/man5/tcpsim-scenario.5 \
             $(bashcompdir)/tcpsim \
             $(patsubst plots/%,$(datadir)/tcpsim/plots/%,$(wildcard plots/*.gp)) \
             $(patsubst scenarios/%,$(docdir)/examples/%,$(wildcard scenarios/*.yaml scenarios/pkt/*.pkt))
install: tcpsim man completion
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 \
	    $(DESTDIR)$(bashcompdir) $(DESTDIR)$(datadir)/tcpsim/plots $(DESTDIR)$(docdir)/examples
	$(INSTALL) -m 755 tcpsim $(DESTDIR)$(bindir)/tcpsim
	$(INSTALL) -m 644 build/man/tcpsim.1 $(DESTDIR)$(mandir)/man1/tcpsim.1
	$(INSTALL) -m 644 build/man/tcpsim-scenario.5 $(DESTDIR)$(mandir)/man5/tcpsim-scenario.5
	$(INSTALL) -m 644 build/completion/tcpsim $(DESTDIR)$(bashcompdir)/tcpsim
	$(INSTALL) -m 644 plots/*.gp $(DESTDIR)$(datadir)/tcpsim/plots/
	$(INSTALL) -m 644 scenarios/*.yaml $(DESTDIR)$(docdir)/examples/
	if [ -d scenarios/pkt ]; then $(INSTALL) -d $(DESTDIR)$(docdir)/examples/pkt && \
	    $(INSTALL) -m 644 scenarios/pkt/*.pkt $(DESTDIR)$(docdir)/examples/pkt/; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(datadir)/tcpsim/plots $(DESTDIR)$(datadir)/tcpsim \
	    $(DESTDIR)$(docdir)/examples/pkt $(DESTDIR)$(docdir)/examples $(DESTDIR)$(docdir) 2>/dev/null

# A .deb from debian/, built in a throw-away copy of the tree (dpkg-buildpackage
# writes into debian/ and the parent folder); the package lands in build/deb/.
deb:
	@scripts/build-deb.sh build/deb

build/test/tcpsim: build/test/cli/main.o $(TEST_OBJ)
	@echo "  LD/test $@"
	@$(CC) $(TEST_LDFLAGS) -o $@ $^ $(YAML_LIBS) -lm

build/test/test_%: tests/test_%.c $(TEST_OBJ) $(HEADERS) | build/test
	$(CC) $(TEST_CFLAGS) $(CMOCKA_CFLAGS) -Itests -o $@ $< $(TEST_OBJ) \
	    $(TEST_LDFLAGS) $(CMOCKA_LIBS) $(YAML_LIBS) -lm

# TCP state-machine tests also link their harness (the shorter stem wins).
build/test/test_tcp_%: tests/test_tcp_%.c tests/tcp_harness.c $(TEST_OBJ) $(HEADERS) | build/test
	$(CC) $(TEST_CFLAGS) $(CMOCKA_CFLAGS) -Itests -o $@ $< tests/tcp_harness.c $(TEST_OBJ) \
	    $(TEST_LDFLAGS) $(CMOCKA_LIBS) $(YAML_LIBS) -lm

# A JUnit XML checker for tests/junit.sh that needs nothing but a C compiler.
build/test/xmlwf: tests/xmlwf.c | build/test
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDFLAGS)

build/test/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(TEST_OBJ) $(HEADERS)
	$(CC) $(TEST_CFLAGS) -o $@ $< tests/fuzz/replay.c $(TEST_OBJ) $(TEST_LDFLAGS) $(YAML_LIBS) -lm

build/fuzz/%.o: sim/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC/fuzz $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) $(HEADERS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(YAML_LIBS) -lm

build/bench/%: tests/bench/%.c $(REL_OBJ) $(HEADERS) | build/bench
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL_OBJ) $(YAML_LIBS) -lm

build/rel build/test build/bench:
	@mkdir -p $@

test: deps
	@$(MAKE) --no-print-directory build/test/tcpsim build/test/xmlwf $(UNIT_BIN) $(REPLAY_BIN)
	@scripts/run-tests.sh build/test $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory tcpsim
	@scripts/demo.sh

bench: $(BENCH_BIN) tcpsim
	@for b in $(BENCH_BIN); do $$b || exit 1; done
	@bash tests/bench/sweep.sh ./tcpsim

# Each target for FUZZ_SECONDS, from tests/fuzz/corpus/TARGET (new inputs
# kept in out/fuzz/TARGET), crashes to out/fuzz/; copy one into
# tests/fuzz/crashes/ (after the fix) so make test replays it for good.
fuzz:
	@scripts/install-deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

N    ?= 100000
FROM ?= 1
soak: tcpsim
	@mkdir -p out
	./tcpsim soak --count $(N) --from $(FROM) --out out/soak --quiet

plots: tcpsim
	@scripts/plots.sh --readme

# Style is .clang-format's; `make format` applies it, `make lint` checks it.
format:
	clang-format -i sim/*/*.c sim/*/*.h include/tcpsim/*.h

lint:
	clang-format --dry-run --Werror sim/*/*.c sim/*/*.h include/tcpsim/*.h
	cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude -Isim sim

clean:
	rm -rf build tcpsim out
