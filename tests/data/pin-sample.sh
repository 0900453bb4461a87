#!/bin/sh
# pin-sample.sh: PIN blocks for the tests, made by a path independent of
# emv-pin and lib/pinblock: the clear block is built here by the rules of
# ISO 9564-1:2017 9.3 in POSIX sh, and enciphered by openssl(1) under a key
# of tests/data/test-keys.txt or pin-test-keys.txt.  POSIX sh, od and
# openssl only.
#
#   pin-sample.sh                        id and PIN block of each line of
#                                        pin-sample-pins.txt, under kek1
#   pin-sample.sh clear FMT PIN PAN FILL the clear block of format 0 to 3
#   pin-sample.sh block FMT PIN PAN FILL the same enciphered under kek1
#   pin-sample.sh encipher KEY HEX       HEX (any bytes, whole blocks)
#                                        enciphered under test key KEY
#   pin-sample.sh decipher KEY HEX       HEX deciphered under test key KEY
#
# Triple-DES keys work in ECB mode, AES keys in CBC mode with a zero IV,
# as emvperso-record(5) says for secret data.
#
# FILL is the fill digits of formats 1 and 3 (at least 14 less the PIN
# length); "-" for formats 0 and 2.  Test keys and test PINs only.
set -eu
here=$(cd "$(dirname "$0")" && pwd)

die() {
	echo "pin-sample.sh: $*" >&2
	exit 1
}

# hex2bin HEX: the bytes.
hex2bin() {
	_h=$1 _o=
	while [ -n "$_h" ]; do
		_o="$_o\\$(printf '%03o' "0x${_h%"${_h#??}"}")"
		_h=${_h#??}
	done
	# The octal escapes are printf's own: they must be in the format.
	# shellcheck disable=SC2059
	printf "$_o"
}

bin2hex() {
	od -An -v -tx1 | tr -d ' \n' | tr abcdef ABCDEF
}

# xor A B: two hex strings of one length, nibble by nibble.
xor() {
	_a=$1 _b=$2 _o=
	while [ -n "$_a" ]; do
		_x=$((0x${_a%"${_a#?}"} ^ 0x${_b%"${_b#?}"}))
		_o="$_o$(printf '%X' "$_x")"
		_a=${_a#?} _b=${_b#?}
	done
	echo "$_o"
}

# key NAME: "ALG HEX" of a test key.
key() {
	_k=$(awk -v n="$1" '$1 == n { print $3, $4; exit }' \
	    "$here/test-keys.txt" "$here/pin-test-keys.txt")
	[ -n "$_k" ] || die "$1: no such test key"
	echo "$_k"
}

# cipher ALG: the openssl cipher of emvperso-record(5) for a key algorithm.
cipher() {
	case $1 in
	3des2) echo des-ede ;;
	3des3) echo des-ede3 ;;
	aes128) echo aes-128-cbc ;;
	aes192) echo aes-192-cbc ;;
	aes256) echo aes-256-cbc ;;
	*) die "$1: unknown algorithm" ;;
	esac
}

# crypt -e|-d KEY HEX
crypt() {
	_kk=$(key "$2")
	_alg=${_kk% *} _kh=${_kk#* } _iv=
	case $_alg in
	aes*) _iv=00000000000000000000000000000000 ;;
	esac
	_c=$(cipher "$_alg")
	hex2bin "$3" |
	    openssl enc "$1" -"$_c" -K "$_kh" -nopad ${_iv:+-iv "$_iv"} |
	    bin2hex
	echo
}

# clear FMT PIN PAN FILL
clear_block() {
	_f=$1 _p=$2 _pan=$3 _fill=$4
	case $_p in
	*[!0-9]*|'') die "PIN: digits only" ;;
	esac
	if [ ${#_p} -lt 4 ] || [ ${#_p} -gt 12 ]; then
		die "PIN: 4 to 12 digits"
	fi
	case $_f in
	0|2) _fill=FFFFFFFFFFFFFF ;;
	1) case $_fill in *[!0-9A-F]*) die "fill: hex digits" ;; esac ;;
	3) case $_fill in *[!A-F]*) die "fill: A to F" ;; esac ;;
	*) die "format: 0 to 3" ;;
	esac
	[ $((${#_p} + ${#_fill})) -ge 14 ] || die "fill: too short"
	# Control field, PIN length, PIN digits, fill (9.3.2.2, 9.3.3,
	# 9.3.4, 9.3.5.2).
	_b=$(printf '%s%X%s%s' "$_f" "${#_p}" "$_p" "$_fill" | cut -c1-16)
	case $_f in
	0|3)
		# PAN field: 0000 and the 12 rightmost PAN digits but the
		# check digit, zeros on the left if fewer (9.3.2.3).
		case $_pan in
		*[!0-9]*|'') die "PAN: digits only" ;;
		esac
		_d=000000000000${_pan%?}
		_d=${_d#"${_d%????????????}"}
		_b=$(xor "$_b" "0000$_d")
		;;
	esac
	echo "$_b"
}

case ${1:-} in
'')
	grep -v '^#' "$here/pin-sample-pins.txt" |
	while read -r id pan pin fmt fill; do
		clear=$(clear_block "$fmt" "$pin" "$pan" "$fill")
		printf '%s %s\n' "$id" "$(crypt -e kek1 "$clear")"
	done
	;;
clear)
	[ $# -eq 5 ] || die "usage: clear FMT PIN PAN FILL"
	clear_block "$2" "$3" "$4" "$5"
	;;
block)
	[ $# -eq 5 ] || die "usage: block FMT PIN PAN FILL"
	crypt -e kek1 "$(clear_block "$2" "$3" "$4" "$5")"
	;;
encipher|decipher)
	[ $# -eq 3 ] || die "usage: $1 KEY HEX"
	if [ "$1" = encipher ]; then
		crypt -e "$2" "$3"
	else
		crypt -d "$2" "$3"
	fi
	;;
*)
	die "usage: pin-sample.sh [clear|block FMT PIN PAN FILL]" \
	    "| [encipher|decipher KEY HEX]"
	;;
esac
