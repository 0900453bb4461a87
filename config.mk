# emvperso build configuration
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
CC = cc
CFLAGS = -O2 -g
WARN = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS = -D_GNU_SOURCE -D_FORTIFY_SOURCE=2
PKGS = libbsd-overlay openssl libpcsclite
