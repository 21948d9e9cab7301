# jingwu: see README.md.  `make` builds, `make test` tests, `make check`
# tests under sanitizers, `make demo` runs the nightly job on embedded data.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PKGS     = yaml-0.1 zlib libpcre2-8 libsmpp34 libsodium
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wwrite-strings -Wno-overlength-strings
B       ?= build
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer

PROGS    = pop-grid case-status viol-query poll-rank sms-notify
TESTPROGS = jwcat jwidx

# Packages first: on a fresh machine nothing below can even be parsed
# without pkg-config.  scripts/deps installs what is missing (as root) or
# prints the one command to run.
DEPS_OK := $(shell sh scripts/deps build >&2 && echo ok)
ifneq ($(DEPS_OK),ok)
$(error missing build dependencies, see above)
endif

# -isystem: warnings in the libraries' headers (libsmpp34's) are not ours.
PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
# The libraries are linked in statically when their archives are there
# (Debian's -dev packages ship them): a program then starts without
# loading and binding five shared objects, which was half of a lookup's
# CPU time (viol-query plate through the index: 1.3 to 0.8 ms).  glibc
# stays shared: iconv's modules and getpwuid() need it.
PKG_L      := $(shell pkg-config --libs-only-l $(PKGS))
PKG_NO_A   := $(shell for l in $(PKG_L:-l%=%); do \
		[ -f "$$($(CC) -print-file-name=lib$$l.a)" ] || echo $$l; done)
ifeq ($(PKG_NO_A),)
PKG_LIBS   := $(shell pkg-config --libs-only-L $(PKGS)) \
              -Wl,-Bstatic $(PKG_L) -Wl,-Bdynamic -pthread -lm
else
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -pthread -lm
endif
# viol-query is linked whole, glibc too (-static-pie): a plate lookup is
# mostly the process start, and ld.so's loading and binding of libc.so
# was a sixth of it (0.99 to 0.84 ms CPU a lookup, where an empty static
# program takes 0.58).  Its iconv (--encoding) and getpwuid() (--audit's
# user) still load glibc's modules at run time, from the glibc it was
# built with (the installed one; ld warns of getpwuid, as expected).  Not
# under the sanitizers (their runtimes are shared objects), nor where the
# archives are missing: then it is linked as the others.
STATIC_PIE := $(shell printf 'int main(void){return 0;}\n' | $(CC) \
		-static-pie -x c -o /dev/null - 2>/dev/null && echo -static-pie)
STATIC_OK   = $(if $(PKG_NO_A),,$(if $(findstring -fsanitize,$(CFLAGS) \
		$(LDFLAGS)),,$(STATIC_PIE)))
LINK_viol-query = $(if $(STATIC_OK),$(STATIC_OK) \
		$(shell pkg-config --libs-only-L $(PKGS)) $(PKG_L) -pthread -lm)
ALL_CFLAGS  = $(WARN) $(CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -Ilib -MMD -MP $(PKG_CFLAGS) $(CPPFLAGS)

LIB_SRC  = $(wildcard lib/*/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o)
LIBA     = $(B)/libjingwu.a
UNIT_SRC = $(wildcard tests/unit/*_test.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
BINS     = $(PROGS:%=$(B)/bin/%) $(TESTPROGS:%=$(B)/bin/%) $(B)/bin/jw-gen

.PHONY: all test peers unit cli lint check fuzz demo bench install clean
# Keep objects: they are intermediate to make, not to us.
.SECONDARY:
all: $(BINS)
	@mkdir -p bin && for p in $(PROGS); do ln -sf ../$(B)/bin/$$p bin/$$p; done

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# viol-query's default code table, compiled in (the C file is committed so
# that a fresh clone builds without the step; make keeps it in step).
lib/domain/viol_default.c: testdata/viol/codes.yaml scripts/embed
	sh scripts/embed testdata/viol/codes.yaml viol_default_yaml >$@.tmp
	mv $@.tmp $@
# The same table as entries (struct viol_code), so that a lookup starts
# without parsing YAML.
lib/domain/viol_table.c: testdata/viol/codes.yaml scripts/embed-codes
	sh scripts/embed-codes testdata/viol/codes.yaml >$@.tmp
	mv $@.tmp $@

# case-status's default stage YAML, compiled in the same way.
lib/domain/cases_default.c: testdata/cases/cases.yaml scripts/embed
	sh scripts/embed testdata/cases/cases.yaml cases_default_yaml >$@.tmp
	mv $@.tmp $@

# poll-rank's default poll definition (Hunan's 14 units), compiled in the
# same way.
lib/domain/poll_default.c: testdata/poll/hunan.yaml scripts/embed
	sh scripts/embed testdata/poll/hunan.yaml poll_default_yaml >$@.tmp
	mv $@.tmp $@

# sms-notify's default vehicle tables, compiled in the same way.
lib/domain/smsrules_default.c: testdata/sms/vehicles.yaml scripts/embed
	sh scripts/embed testdata/sms/vehicles.yaml sms_vehicles_yaml >$@.tmp
	mv $@.tmp $@

$(LIBA): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# LINK_prog: how prog is linked when not as the others (see viol-query's).
$(B)/bin/%: $(B)/cmd/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(if $(LINK_$*),$(LINK_$*),$(PKG_LIBS)) $(LDLIBS)

$(B)/bin/jwcat: $(B)/tests/jwcat.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(B)/bin/jwidx: $(B)/tests/jwidx.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(B)/bin/jw-gen: $(B)/scripts/jw-gen.o $(B)/scripts/jw-gen-cases.o \
		$(B)/scripts/jw-gen-traffic.o $(B)/scripts/jw-gen-answers.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(LDLIBS)

$(B)/unit/%: $(B)/tests/unit/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) \
		$$(pkg-config --libs criterion) $(LDLIBS)

$(B)/tests/unit/%.o: ALL_CPPFLAGS += $(shell pkg-config --cflags criterion)

test: unit cli lint
# The peers the tests start (the test SMSC on node-smpp): installed once.
peers:
	@sh scripts/deps peers
unit: $(UNIT_BIN) | peers
	@sh tests/run-unit $(B) $(UNIT_BIN)
cli: $(BINS) | peers
	@sh tests/run-cli $(B)

lint:
	@mandoc -Tlint -W warning man/*.[157] && echo "lint: man pages clean"

# The same tests under AddressSanitizer and UBSan (every CLI case again
# without the AVX2 paths, and without the read-ahead thread, but for those
# marked with a file `peer`, which start a slow peer: see tests/run-cli), the CLI
# cases under ThreadSanitizer, then the fuzz corpus (every crash ever
# found) replayed through the libFuzzer harnesses.
TSAN_OPTIONS_CHECK = halt_on_error=1 exitcode=66 report_thread_leaks=0
check:
	$(MAKE) B=build-san CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" unit cli
	@echo "every CLI case again on the plain C paths (no AVX2):"
	JINGWU_NO_SIMD=1 JINGWU_SKIP_PEERS=1 sh tests/run-cli build-san
	@echo "every CLI case again without the read-ahead thread:"
	JINGWU_NO_THREADS=1 JINGWU_SKIP_PEERS=1 sh tests/run-cli build-san
	$(MAKE) B=build-tsan CFLAGS="-O1 -g -fsanitize=thread" \
		LDFLAGS="-fsanitize=thread" all
	@echo "CLI cases under ThreadSanitizer:"
	TSAN_OPTIONS="$(TSAN_OPTIONS_CHECK)" sh tests/run-cli build-tsan
	sh scripts/deps fuzz
	sh tests/fuzz/run --replay

# FUZZ_SECONDS per harness (default 60).
fuzz:
	sh scripts/deps fuzz
	sh tests/fuzz/run

# The nightly job on the embedded city, then three sample answers (a case
# lookup, a plate read out on air, the top of the poll ranking): see
# scripts/demo.
demo: all
	@JINGWU_BIN=$(abspath $(B))/bin sh scripts/demo

bench: all
	sh scripts/bench

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do install -m 755 $(B)/bin/$$p $(DESTDIR)$(BINDIR)/; done
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/*.7 $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -rf build build-san build-tsan build-fuzz bin out

-include $(LIB_OBJ:.o=.d) $(UNIT_BIN:$(B)/unit/%=$(B)/tests/unit/%.d) \
	$(PROGS:%=$(B)/cmd/%.d) $(B)/tests/jwcat.d $(B)/tests/jwidx.d $(B)/scripts/jw-gen.d \
	$(B)/scripts/jw-gen-cases.d $(B)/scripts/jw-gen-traffic.d \
	$(B)/scripts/jw-gen-answers.d
