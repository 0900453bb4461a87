# emvperso: see README.  GNU make.
include config.mk

# O is the build directory (objects, tools, unit tests); "." builds in tree
# so that PATH=$PWD/bin:$PATH runs the tools.  make sancheck uses build/san.
O ?= .

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SHAREDIR = $(PREFIX)/share/emvperso
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Ilib \
	-DEMVPERSO_PROFILE_DIR=\"$(SHAREDIR)/profiles\" \
	-DEMVPERSO_MAP_DIR=\"$(SHAREDIR)/maps\"
ALL_LDLIBS = $(PKG_LIBS) $(LDLIBS)

LIBSRC := $(sort $(wildcard lib/*.c))
LIBHDR := $(wildcard lib/*.h)
LIBOBJ := $(patsubst %.c,$(O)/%.o,$(LIBSRC))
LIBA := $(O)/lib/libemvperso.a
TOOLSRC := $(sort $(wildcard bin/emv-*.c))
TOOLS := $(patsubst %.c,$(O)/%,$(TOOLSRC))
SCRIPTS := $(sort $(wildcard bin/emv-*.sh))
BENCHSRC := $(sort $(wildcard bench/*.c))
BENCHES := $(patsubst %.c,$(O)/%,$(BENCHSRC))
UNITSRC := $(sort $(wildcard tests/unit/t-*.c))
UNITS := $(patsubst %.c,$(O)/%,$(UNITSRC))
TESTTOOLSRC := $(sort $(wildcard tests/tools/*.c))
TESTTOOLS := $(patsubst %.c,$(O)/%,$(TESTTOOLSRC))
MAN1 := $(sort $(wildcard man/*.1))
MAN5 := $(sort $(wildcard man/*.5))
MAN7 := $(sort $(wildcard man/*.7))

all: $(TOOLS) $(UNITS) $(TESTTOOLS)

$(O)/lib/%.o: lib/%.c $(LIBHDR) config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBA): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(O)/bin/emv-%: bin/emv-%.c $(LIBA) $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ALL_LDLIBS)

$(O)/tests/tools/%: tests/tools/%.c $(LIBA) $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ALL_LDLIBS)

$(O)/bench/%: bench/%.c $(LIBA) $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ALL_LDLIBS)

$(O)/tests/unit/t-%: tests/unit/t-%.c tests/unit/unit.h $(LIBA) $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ALL_LDLIBS)

deps:
	@sh .ci/deps

# Every test: unit tests, bats suites, man page lint, then all of it again
# under AddressSanitizer and UBSan.  Ends with one line "N passed, N failed".
check: deps
	@$(MAKE) -s all
	@$(MAKE) -s O=build/san CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" LDFLAGS="-fsanitize=address,undefined" all
	@sh tests/run . build/san

# Tests on the plain build only (quicker while developing).
test: all
	@sh tests/run .

demo: deps
	@$(MAKE) -s all
	@sh pipelines/demo

bench: deps
	@sh .ci/deps time
	@$(MAKE) -s all $(BENCHES)
	@sh bench/run
	@sh bench/prep
	@sh bench/keygen
	@sh bench/card

fuzz: deps
	@sh .ci/deps clang libclang-rt-14-dev
	@$(MAKE) -s -C fuzz

lint:
	mandoc -Tlint -W warning $(MAN1) $(MAN5) $(MAN7)

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 \
	    $(DESTDIR)$(SHAREDIR)/profiles $(DESTDIR)$(SHAREDIR)/maps \
	    $(DESTDIR)$(SHAREDIR)/terminals
	cp -f profiles/*.profile $(DESTDIR)$(SHAREDIR)/profiles/
	cp -f terminals/*.terminal $(DESTDIR)$(SHAREDIR)/terminals/
	if ls maps/*.map >/dev/null 2>&1; then cp -f maps/*.map $(DESTDIR)$(SHAREDIR)/maps/; fi
	for t in $(TOOLS); do cp -f $$t $(DESTDIR)$(PREFIX)/bin/ && chmod 755 $(DESTDIR)$(PREFIX)/bin/$${t##*/}; done
	for s in $(SCRIPTS); do n=$${s##*/}; cp -f $$s $(DESTDIR)$(PREFIX)/bin/$${n%.sh} && chmod 755 $(DESTDIR)$(PREFIX)/bin/$${n%.sh}; done
	$(if $(MAN1),cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/)
	$(if $(MAN5),cp -f $(MAN5) $(DESTDIR)$(MANPREFIX)/man5/)
	$(if $(MAN7),cp -f $(MAN7) $(DESTDIR)$(MANPREFIX)/man7/)

uninstall:
	for t in $(TOOLS) $(SCRIPTS); do n=$${t##*/}; rm -f $(DESTDIR)$(PREFIX)/bin/$${n%.sh}; done
	for m in $(MAN1) $(MAN5) $(MAN7); do s=$${m##*.}; rm -f $(DESTDIR)$(MANPREFIX)/man$$s/$${m##*/}; done
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -f $(TOOLS) $(UNITS) $(BENCHES) $(TESTTOOLS) $(LIBOBJ) $(LIBA)
	rm -rf build demo
	@$(MAKE) -s -C fuzz clean 2>/dev/null || true

.PHONY: all deps check test demo bench fuzz lint install uninstall clean
