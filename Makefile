# pkish — hand-written, non-recursive GNU Makefile.
#
#   make            build build/pkish (installs Debian build packages if root)
#   make run        set up, build and start pkish on the default device
#   make check      set up, build and run every test; last line "N passed, N failed"
#   make check-asan the same with address + undefined-behaviour sanitizers
#   make bench      benchmarks (never part of check)
#   make fuzz       run the libFuzzer targets for FUZZ_SECONDS each
#   make install    PREFIX (/usr/local) and DESTDIR honoured
#
# configure (autoconf) runs in the build directory and writes config.mk and
# config.h there; nothing generated lives in the source tree except the
# `configure` script itself (ignored by git).

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
DEVICE   ?= $(or $(PKISH_DEVICE),pkish-device)
SANITIZE ?=
WERROR   ?= -Werror

# Goals that need no configuration (check-asan only recurses with its own
# BUILD): for them nothing is set up, nothing installed.
NOCONF_GOALS := clean distclean help uninstall check-asan
ifeq ($(filter-out $(NOCONF_GOALS),$(or $(MAKECMDGOALS),all)),)
else
-include $(BUILD)/config.mk
endif

ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CFLAGS   ?= -O2 -g
PK_CFLAGS := -std=c11 -Wall -Wextra $(WERROR) -Wno-unused-parameter \
             -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
             -Wno-format-nonliteral -pthread $(SANFLAGS)
PK_CPPFLAGS := -D_GNU_SOURCE -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED \
               -I$(BUILD) -I. $(OPENSSL_CFLAGS) $(MHD_CFLAGS) $(EDIT_CFLAGS)
PK_LDFLAGS := -pthread $(SANFLAGS) $(LDFLAGS_CONF)
PK_LIBS := $(MHD_LIBS) $(EDIT_LIBS) $(OPENSSL_LIBS) $(LIBS_CONF) -lpthread

all: $(BUILD)/pkish

# ---- modules ---------------------------------------------------------------
timers_SRCS :=
core_SRCS :=
scep_SRCS :=
cli_SRCS :=
cli_MAIN :=
UNIT_TESTS :=
TOOLS :=
include timers/module.mk core/module.mk scep/module.mk cli/module.mk tests/module.mk

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_timers := $(BUILD)/libtimers.a
LIB_core   := $(BUILD)/libcore.a
LIB_scep   := $(BUILD)/libscep.a
LIB_cli    := $(BUILD)/libcli.a
LIBS_ALL   := $(LIB_cli) $(LIB_scep) $(LIB_core) $(LIB_timers)

BENCH_SRCS := $(wildcard tests/bench/*.c)

ALL_SRCS := $(timers_SRCS) $(core_SRCS) $(scep_SRCS) $(cli_SRCS) $(cli_MAIN) \
            $(UNIT_TESTS) $(TOOLS) $(BENCH_SRCS)
DEPS := $(patsubst %.c,$(BUILD)/obj/%.d,$(ALL_SRCS))

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(PK_CPPFLAGS) $(CPPFLAGS) $(PK_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB_timers): $(call obj,$(timers_SRCS))
$(LIB_core):   $(call obj,$(core_SRCS))
$(LIB_scep):   $(call obj,$(scep_SRCS))
$(LIB_cli):    $(call obj,$(cli_SRCS))
$(LIBS_ALL):
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/pkish: $(call obj,$(cli_MAIN)) $(LIBS_ALL)
	$(CC) $(PK_LDFLAGS) -o $@ $(call obj,$(cli_MAIN)) $(LIBS_ALL) $(PK_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(PK_LDFLAGS) -o $@ $< $(LIBS_ALL) $(PK_LIBS)

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(PK_LDFLAGS) -o $@ $< $(LIBS_ALL) $(PK_LIBS)

$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(PK_LDFLAGS) -o $@ $< $(LIBS_ALL) $(PK_LIBS)

UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_TESTS))
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOLS))

tests: $(BUILD)/pkish $(UNIT_BINS) $(TOOL_BINS)

# ---- set-up: Debian packages first, then autoconf, then configure ----------
# On a clean clone $(BUILD)/config.mk is missing: make remakes it, and the
# `configure` it needs, before it reads the rest (even under `make -n`).  A
# bare machine has no autoreconf and no compiler, so the first command of
# each set-up recipe is the package installer, with the profiles of the
# goals asked for (scripts/deps.sh: build, check, bench, fuzz); a second
# call finds everything installed and does nothing.
SETUP_PROFILES := $(or $(filter check bench fuzz,$(MAKECMDGOALS)),build)
INSTALL_PKGS = sh scripts/deps.sh

configure: configure.ac
	$(INSTALL_PKGS) $(SETUP_PROFILES)
	autoreconf -fi
	@touch $@

$(BUILD)/config.mk: configure config.mk.in scripts/deps.sh
	$(INSTALL_PKGS) $(SETUP_PROFILES)
	@mkdir -p $(BUILD)
	cd $(BUILD) && $(CURDIR)/configure --quiet --prefix=$(PREFIX)

# ---- user targets -----------------------------------------------------------
run: all
	./$(BUILD)/pkish -d $(DEVICE)

check: tests
	@$(INSTALL_PKGS) check
	@sh tests/run.sh $(BUILD)

check-asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 CFLAGS="-O1 -g" check

bench: tests $(BENCH_BINS)
	@$(INSTALL_PKGS) bench
	@sh tests/bench/run.sh $(BUILD)

# ---- fuzzing: make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="cs cli ..."] ----------
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer target, build-fuzz/fuzz_NAME.
# build-fuzz/ is a second build tree of the whole project: every module
# compiled again with clang, -fsanitize=fuzzer-no-link (coverage for the
# fuzzer), ASan and UBSan, into build-fuzz/lib*.a; a target links them with
# tests/fuzz/sandbox.c and the FUZZ_WRAP functions (no network, no file
# outside the target's device, pooled RSA keys: sandbox.c).  It takes the
# configuration of $(BUILD) (pkg-config flags, config.h).  `make fuzz` runs
# each target for FUZZ_SECONDS from its committed seeds
# (tests/fuzz/corpus/NAME/, read-only) into tests/fuzz/corpus-out/NAME/
# (git-ignored); a crash stops the run, its input is build-fuzz/crash-*.
# The committed inputs are replayed by make check: tests/unit/test_fuzz_NAME.c
# (tests/fuzz/replay.h) links the same target and sandbox in the normal build.
comma        := ,
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN)
FUZZ_WRAP    := $(foreach f,getaddrinfo socket MHD_start_daemon pk_device_path EVP_PKEY_Q_keygen,-Wl$(comma)--wrap=$(f))
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_MODULES := timers core scep cli
FUZZ_LIBS    := $(foreach m,cli scep core timers,$(FUZZ_BUILD)/lib$(m).a)
fuzz_obj      = $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(1))

# one installer run before all of them (parallel apt-gets would fight over
# dpkg's lock)
fuzz-deps: $(BUILD)/config.mk
	@$(INSTALL_PKGS) fuzz

$(FUZZ_BUILD)/obj/%.o: %.c $(BUILD)/config.mk | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(PK_CPPFLAGS) $(PK_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(foreach m,$(FUZZ_MODULES),$(eval $(FUZZ_BUILD)/lib$(m).a: $(call fuzz_obj,$($(m)_SRCS))))
$(FUZZ_LIBS):
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/obj/tests/fuzz/sandbox.o $(FUZZ_LIBS)
	$(FUZZ_CC) -g -fsanitize=fuzzer $(FUZZ_SAN) -pthread $(FUZZ_WRAP) $(LDFLAGS_CONF) -o $@ $^ $(PK_LIBS)

# the replays of make check: the same wrapped functions (sandbox.c is
# included by the test)
$(BUILD)/tests/test_fuzz_%: PK_LDFLAGS += $(FUZZ_WRAP)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_BINS); do \
		n=$${t##*/fuzz_}; \
		mkdir -p tests/fuzz/corpus-out/$$n; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		if $$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
			tests/fuzz/corpus-out/$$n tests/fuzz/corpus/$$n >$(FUZZ_BUILD)/$$n.log 2>&1; then \
			grep -E '^Done|number_of_executed_units|average_exec_per_sec' $(FUZZ_BUILD)/$$n.log; \
		else \
			tail -n 40 $(FUZZ_BUILD)/$$n.log; exit 1; \
		fi; \
	done

-include $(wildcard $(FUZZ_BUILD)/obj/*/*.d $(FUZZ_BUILD)/obj/tests/*/*.d)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/pkish
	install -m 0755 $(BUILD)/pkish $(DESTDIR)$(PREFIX)/bin/pkish
	install -m 0644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/pkish/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pkish
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/pkish

clean:
	rm -rf $(BUILD) build-asan build-fuzz

distclean: clean
	rm -rf configure configure~ autom4te.cache aclocal.m4 config.h.in config.h.in~

help:
	@sed -n '3,11p' Makefile

.PHONY: all run check check-asan bench install uninstall clean distclean help tests fuzz fuzz-deps
.DELETE_ON_ERROR:
.SECONDARY:

-include $(DEPS)
