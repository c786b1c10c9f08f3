# tcpsim — build, test, demo, bench.
#   make          builds ./tcpsim (-O2)
#   make test     unit tests (ASan+UBSan), every scenario's expectations, bad inputs
#   make demo     runs the teaching scenarios, prints a timeline, writes plots
#   make bench    prints engine and simulator speed figures
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

.PHONY: all deps test unit check-scenarios bad-inputs demo bench plots clean lint format

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

# A JUnit XML checker for tests/junit.sh that needs nothing but a C compiler.
build/test/xmlwf: tests/xmlwf.c | build/test
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_LDFLAGS)

build/bench/%: tests/bench/%.c $(REL_OBJ) $(HEADERS) | build/bench
	$(CC) $(REL_CFLAGS) -o $@ $< $(REL_OBJ) $(YAML_LIBS) -lm

build/rel build/test build/bench:
	@mkdir -p $@

test: deps
	@$(MAKE) --no-print-directory build/test/tcpsim build/test/xmlwf $(UNIT_BIN)
	@scripts/run-tests.sh build/test $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory tcpsim
	@scripts/demo.sh

bench: $(BENCH_BIN) tcpsim
	@for b in $(BENCH_BIN); do $$b || exit 1; done

plots: tcpsim
	@scripts/plots.sh

# Style is .clang-format's; `make format` applies it, `make lint` checks it.
format:
	clang-format -i sim/*/*.c sim/*/*.h include/tcpsim/*.h

lint:
	clang-format --dry-run --Werror sim/*/*.c sim/*/*.h include/tcpsim/*.h
	cppcheck --quiet --error-exitcode=1 --std=c11 -Iinclude -Isim sim

clean:
	rm -rf build tcpsim out
