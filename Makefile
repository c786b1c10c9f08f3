# tcpsim — build, test, demo, bench.
#   make          builds ./tcpsim (-O2)
#   make test     unit tests (ASan+UBSan), every scenario's expectations, bad inputs
#   make demo     runs the teaching scenarios, prints a timeline, writes plots
#   make bench    prints engine and simulator speed figures
#   make soak N=100000 [FROM=1]  random scenarios under the invariant checker;
#                 each violation shrunk to a scenario in out/soak/
#   make fuzz [FUZZ_SECONDS=120]  libFuzzer (clang) on the loader and on load-and-run
#   make format   applies .clang-format; make lint checks it and runs cppcheck
#   make clean

CC      ?= cc
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
INC     := -Iinclude -Isim
YAML_CFLAGS  := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS    := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CMOCKA_CFLAGS:= $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS  := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

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

.PHONY: all deps test unit check-scenarios bad-inputs demo bench plots clean lint format soak fuzz

all: tcpsim

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
	@$(MAKE) --no-print-directory build/test/tcpsim $(UNIT_BIN) $(REPLAY_BIN)
	@scripts/run-tests.sh build/test $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory tcpsim
	@scripts/demo.sh

bench: $(BENCH_BIN) tcpsim
	@for b in $(BENCH_BIN); do $$b || exit 1; done

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
