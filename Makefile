# aiops - offline AIOps forensics and backtesting toolkit.
#   make            build libcore/libaiops.a and bin/aiops-*
#   make test       unit + CLI tests, then the same under ASan+UBSan
#   make demo       run the pipeline on the bundled demo data
#   make bench      every benchmark at a size that runs in minutes, one summary table
#                   (bench/summary.sh); BENCH_SIZE=large for the big runs and NAB
#   make man        regenerate the OPTIONS of docs/man/*.1 from the tools' option tables
#   make install PREFIX=/usr/local
#   make deps       install missing Debian packages (as root) or print the apt-get line

CC      ?= cc
PREFIX  ?= /usr/local
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L
WARN    := -Wall -Wextra -Werror -Wno-format-truncation
OPT     ?= -O2 -g
CFLAGS  ?=
# Includes are written from the libcore/ root ("formats/obs.h"); -MMD -MP
# writes each object's header dependencies next to it.
CFLAGS  += $(CSTD) $(WARN) $(OPT) -Ilibcore -MMD -MP
# Link lines: every tool gets BASE_LIBS; a tool that needs more says so in
# LIBS_<tool> (the numeric models need LAPACKE/OpenBLAS, HTTP needs libcurl).
BASE_LIBS := -larchive -lzstd -ljansson -lm
NUM_LIBS  := -llapacke -lopenblas
LIBS      := $(BASE_LIBS) $(NUM_LIBS)
LIBS_aiops-fit  := $(NUM_LIBS)
LIBS_aiops-predict := $(NUM_LIBS)
LIBS_aiops-summarize := -lcurl
LIBS_aiops-cluster := $(NUM_LIBS)
TOOL_LIBS = $(BASE_LIBS) $(LIBS_$(notdir $@))
TESTLIBS := -lcmocka

DEB_PKGS := libzstd-dev libjansson-dev libopenblas-dev liblapacke-dev libarchive-dev \
            libcurl4-openssl-dev libcmocka-dev gnuplot-nox pkg-config zstd jq tzdata prometheus

# Sources are found recursively: a new file in any libcore/ folder is built.
LIB_SRC   := $(sort $(shell find libcore -name '*.c'))
# A tool is tools/aiops-NAME.c; its option table may live beside it in
# tools/aiops-NAME-args.c (linked into that tool only).
TOOL_SRC  := $(sort $(filter-out %-args.c,$(wildcard tools/aiops-*.c)))
# $(call args_obj,OBJDIR,TOOL): the object of TOOL's -args.c, if it has one
args_obj   = $(patsubst tools/%.c,$(1)/tools/%.o,$(wildcard tools/$(2)-args.c))
TOOLS     := $(patsubst tools/%.c,bin/%,$(TOOL_SRC))
UNIT_SRC  := $(sort $(shell find tests/unit -name 'test_*.c'))

# Normal build
OBJ       := $(patsubst libcore/%.c,build/obj/%.o,$(LIB_SRC))
UNIT_BIN  := $(patsubst tests/unit/%.c,build/tests/%,$(UNIT_SRC))
# Sanitizer build (separate tree so both can coexist)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
A_OBJ     := $(patsubst libcore/%.c,build/asan/obj/%.o,$(LIB_SRC))
A_TOOLS   := $(patsubst tools/%.c,build/asan/bin/%,$(TOOL_SRC))
A_UNIT    := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))
UNIT_INC  := -Itests/unit

.PHONY: all deps test unit cli asan-test demo bench install clean datasets fuzz eval man valgrind
.DELETE_ON_ERROR:

all: libcore/libaiops.a $(TOOLS)

libcore/libaiops.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/obj/%.o: libcore/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/obj/cli.o: tools/cli.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

build/obj/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

# the objects of -args.c files are kept (not intermediate): relinks stay cheap
.PRECIOUS: build/obj/tools/%.o build/asan/obj/tools/%.o
.SECONDEXPANSION:
bin/%: tools/%.c $$(call args_obj,build/obj,$$*) \
       build/obj/cli.o libcore/libaiops.a
	@mkdir -p $(@D) build/obj/tools
	$(CC) $(CFLAGS) -MF build/obj/tools/$(@F).d $< $(filter %.o,$^) libcore/libaiops.a $(TOOL_LIBS) -o $@

build/tests/%: tests/unit/%.c libcore/libaiops.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(UNIT_INC) -Wno-unused-parameter $< libcore/libaiops.a $(TESTLIBS) $(LIBS) -o $@

# ---- sanitizer tree
build/asan/obj/%.o: libcore/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/asan/libaiops.a: $(A_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/obj/cli.o: tools/cli.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/asan/obj/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -c $< -o $@

build/asan/bin/%: tools/%.c $$(call args_obj,build/asan/obj,$$*) \
                  build/asan/obj/cli.o build/asan/libaiops.a
	@mkdir -p $(@D) build/asan/obj/tools
	$(CC) $(CFLAGS) $(SAN) -MF build/asan/obj/tools/$(@F).d $< $(filter %.o,$^) build/asan/libaiops.a $(TOOL_LIBS) -o $@

build/asan/tests/%: tests/unit/%.c build/asan/libaiops.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(UNIT_INC) $(SAN) -Wno-unused-parameter $< build/asan/libaiops.a $(TESTLIBS) $(LIBS) -o $@

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- tests
unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

cli: all
	@tests/cli/run.sh bin

asan-test: $(A_UNIT) $(A_TOOLS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  tests/run-unit.sh $(A_UNIT)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/cli/run.sh build/asan/bin

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) cli
	$(MAKE) asan-test

deps:
	@tools/deps.sh $(DEB_PKGS)

demo: deps
	$(MAKE) all
	@tools/demo.sh

# bench/summary.sh runs replay, simulate, fit, score, cluster, rca, predict,
# templates and e2e and prints one table; the figures in docs/BENCHMARKS.md
# are each script's own, with its command beside them.
BENCH_SIZE ?= small
bench: all
	@bench/summary.sh $(BENCH_SIZE)
	@if [ "$(BENCH_SIZE)" = large ]; then \
	  bench/nab.sh && bench/nab.sh --model ewma && bench/nab.sh --model seasonal; fi

datasets: all
	tools/datasets.sh

# Detector-quality regression suite: every scenario with an expect file.
eval: all
	@tests/eval/run-scenarios.sh bin
	@tests/eval/run-predict.sh bin
	@tests/eval/run-cluster.sh bin
	@tests/eval/run-rca.sh bin

# issue 20's gates on three other seeds of every scenario
.PHONY: eval-seeds
eval-seeds: all
	@for s in 101 202 303; do echo "seed $$s"; SEED=$$s GATES=issue EVAL_OUT=build/eval/seed-$$s \
		tests/eval/run-scenarios.sh bin || exit 1; done

# The OPTIONS section of each man page is generated from the tool's option
# table (aiops-TOOL --help-man); the CLI case common/man-options checks it.
man: all
	@tools/man-options.sh bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build bin libcore/libaiops.a

# ---- valgrind: a subset of the CLI suite (every tool at least twice: the
# engines, replay of archives, fit --save/--load) with every tool run under
# memcheck; a definite leak or any memory error fails the case.
VALGRIND_CMD := valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
VALGRIND_CASES := $(addprefix tests/cli/cases/, \
	replay/replay-tarzst.cmd replay/replay-zip.cmd replay/replay-archive-members.sh \
	replay/replay-stream-mixed.cmd replay/replay-bad-loki-truncated.cmd \
	cluster/cluster-default.cmd cluster/cluster-group-by.cmd cluster/cluster-dbscan.cmd \
	cluster/cluster-bad-inhibit.cmd \
	rca/rca-graph-file.cmd rca/rca-table.cmd rca/rca-bad-incident.cmd \
	predict/predict-disk-eta.cmd predict/predict-limits-series.cmd predict/predict-bad-model.cmd \
	summarize/offline.cmd summarize/templates.cmd summarize/markdown.cmd summarize/skip-bad.cmd \
	report/report-markdown.cmd report/report-format-pagerduty.cmd report/report-bad-record.cmd \
	eval/eval-fixture.cmd eval/eval-table.cmd eval/eval-labels-pagerduty.cmd \
	fit/fit-save-load-inf.sh fit/fit-bands.cmd fit/fit-bad-load.cmd fit/fit-static-for.cmd \
	simulate/sim-errors.sh simulate/sim-golden.sh)

valgrind: all
	@OPENBLAS_NUM_THREADS=1 VALGRIND="$(VALGRIND_CMD)" tests/cli/run.sh bin $(VALGRIND_CASES)

# ---- fuzzing (clang + libclang-rt-14-dev): make fuzz FUZZ_SECONDS=60
# Every tests/fuzz/fuzz_*.c is one libFuzzer harness (build/fuzz/NAME),
# linked against libcore built once with coverage and ASan+UBSan.
# tests/fuzz/run.sh first replays tests/fuzz/regressions/NAME/ (inputs that
# once failed), then fuzzes each harness for FUZZ_SECONDS seconds from its
# kept corpus (tests/fuzz/corpus/NAME/) and the seeds tests/fuzz/seeds.sh
# makes from tests/fixtures.  make fuzz-merge folds what a run found into
# the kept corpus (libFuzzer -merge=1).
FUZZ_SECONDS ?= 60
FUZZ_CC   ?= clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
F_OBJ     := $(patsubst libcore/%.c,build/fuzz/obj/%.o,$(LIB_SRC))

build/fuzz/obj/%.o: libcore/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CSTD) -O1 -g -Ilibcore -MMD -MP $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/libaiops.a: $(F_OBJ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build/fuzz/libaiops.a
	$(FUZZ_CC) $(CSTD) -O1 -g -Ilibcore $(FUZZ_SAN) -fsanitize=fuzzer $< build/fuzz/libaiops.a \
	  $(LIBS) -lcurl -o $@

.PHONY: fuzz-build fuzz-merge
fuzz-build: $(FUZZERS)

fuzz: all $(FUZZERS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

fuzz-merge: $(FUZZERS)
	@tests/fuzz/run.sh --merge $(FUZZERS)
