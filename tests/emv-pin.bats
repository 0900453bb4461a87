#!/usr/bin/env bats
# emv-pin: the issuer's PIN block to the card's reference PIN block.
# PIN blocks are made, and DGI 8010 opened, by tests/data/pin-sample.sh:
# sh and openssl, a path independent of emv-pin and lib/pinblock.
load helper

PAN=4761739001010010

setup_file() {
	local name type alg hex
	make_test_store "$BATS_FILE_TMPDIR/ks"
	while read -r name type alg hex; do
		case $name in '#'*|'') continue ;; esac
		printf '%s\n' "$hex" |
		    emv-keys -K "$EMVPERSO_KEYSTORE" import -x "$name" "$type" "$alg" >/dev/null
	done <"$DATA/pin-test-keys.txt"
	# Every secret of this file: the clear keys, the test PINs, and the
	# clear PIN blocks, the issuer's and the card's.
	{
		grep -hv '^#' "$DATA/test-keys.txt" "$DATA/pin-test-keys.txt" | awk 'NF { print $4 }'
		printf '%s\n' 4524 452499 1234
		grep -v '^#' "$DATA/pin-sample-pins.txt" |
		while read -r id pan pin fmt fill; do
			echo "$pin"
			sh "$DATA/pin-sample.sh" clear "$fmt" "$pin" "$pan" "$fill"
			ref2 "$pin"
		done
	} >"$BATS_FILE_TMPDIR/secrets"
}

# ref2 PIN: the ISO 9564 format 2 block of PIN.
ref2() {
	printf '2%X%sFFFFFFFFFFFF' "${#1}" "$1" | cut -c1-16
}

pin() {
	sh "$DATA/pin-sample.sh" "$@"
}

# field NAME: the value of field NAME in the last run's single record.
field() {
	printf '%s\n' "$output" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# one RECORD ARGS...: run emv-pin ARGS on a file holding RECORD.
one() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/in"
	shift
	run --separate-stderr emv-pin "$@" "$BATS_TEST_TMPDIR/in"
}

# fails CODE MESSAGE: the last run marked its one record err=CODE and left
# it otherwise as it was, said exactly MESSAGE, and exited 1.
fails() {
	[ "$status" -eq 1 ]
	[ "$stderr" = "$2" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 1 ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/in") err=$1" ]
}

# no_secret [FILE...]: the last run's stdout and stderr, the key store and
# any FILE hold none of the secrets.  A PIN of 4 or 5 digits could be part
# of any hex value, so those are looked for as words (in text) only.
no_secret() {
	local s f=$BATS_TEST_TMPDIR/scan
	printf '%s\n' "$output" >"$f.out"
	printf '%s\n' "$stderr" >"$f.err"
	set -- "$f.out" "$f.err" "$EMVPERSO_KEYSTORE"/* "$EMVPERSO_LMK" "$@"
	while read -r s; do
		if [ ${#s} -le 5 ]; then
			if grep -qwF -- "$s" "$@"; then
				echo "PIN $s leaked in: $(grep -lwF -- "$s" "$@")" >&2
				return 1
			fi
		else
			assert_no_secret "$s" "$@" || return 1
		fi
	done <"$BATS_FILE_TMPDIR/secrets"
}

@test "pin: the sample's PIN blocks are those pin-sample.sh makes" {
	run --separate-stderr sh "$DATA/pin-sample.sh"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") <(tail -n +2 "$DATA/sample.csv" | awk -F, '{ print $1, $NF }')
}

@test "pin: the sample gives DGI 8010 holding the format 2 block of each PIN" {
	run --separate-stderr emv-pin -p kek1 -k kek2 "$DATA/import-sample.out"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 8 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	grep -v '^#' "$DATA/pin-sample-pins.txt" | while read -r id pan p fmt fill; do
		line=$(grep "^id=$id " "$BATS_TEST_TMPDIR/out")
		dgi=$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^DGI8010=//p')
		[ ${#dgi} -eq 16 ]
		[ "$(pin decipher kek2 "$dgi")" = "$(ref2 "$p")" ]
	done
	no_secret
}

@test "pin: the rest of each record is kept; pinblock goes, kek, DGI 9010 and test come" {
	run --separate-stderr emv-pin -p kek1 -k kek2 "$DATA/import-sample.out"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output" | sed 's/ kek=kek2 DGI8010=[0-9A-F]\{16\} DGI9010=0303 test=1$//') \
	    <(sed 's/ pinblock=[0-9A-F]*$//' "$DATA/import-sample.out")
	[ "$(printf '%s\n' "$output" | grep -c pinblock)" -eq 0 ]
}

@test "pin: the pipeline from the CSV sample, through stdin" {
	run --separate-stderr sh -c 'emv-import "$1" | emv-pin -p kek1 -k kek2' sh "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 8 ]
	[ "$(printf '%s\n' "$output" | grep -c ' DGI8010=')" -eq 8 ]
	no_secret
}

@test "pin: -f 1 gives a format 1 reference block with a random fill" {
	local blk a b
	blk=$(pin block 0 5937 $PAN -)
	one "id=F1 5A=$PAN pinblock=$blk" -p kek1 -k kek2 -f 1
	[ "$status" -eq 0 ]
	a=$(pin decipher kek2 "$(field DGI8010)")
	[[ "$a" == 145937[0-9A-F]* ]] && [ ${#a} -eq 16 ]
	no_secret
	one "id=F1 5A=$PAN pinblock=$blk" -p kek1 -k kek2 -f 1
	b=$(pin decipher kek2 "$(field DGI8010)")
	[[ "$b" == 145937* ]]
	[ "$a" != "$b" ]
	no_secret
}

@test "pin: an AES kek2 seals the block padded to 16 bytes" {
	one "id=A1 5A=$PAN pinblock=$(pin block 3 271828 $PAN DACFEBBDAECFAD)" -p kek1 -k kek2-aes
	[ "$status" -eq 0 ]
	[ "$(field kek)" = kek2-aes ]
	[ ${#output} -gt 0 ] && [ "$(field DGI8010 | wc -c)" -eq 33 ]
	[ "$(pin decipher kek2-aes "$(field DGI8010)")" = "$(ref2 271828)8000000000000000" ]
	no_secret
}

@test "pin: format 4 under an AES kek1: the ep2 vector" {
	one "id=F4 5A=432198765432109870 pinblock=CC17F65586BFD0953010226C4FC5B3CA" -p pin-kek4 -k kek2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(pin decipher kek2 "$(field DGI8010)")" = 241234FFFFFFFFFF ]
	no_secret
}

@test "pin: -t sets the PIN try limit, a ptl attribute wins over it" {
	local blk
	blk=$(pin block 1 82046 $PAN 3C9A07E15B28D4)
	one "id=T1 pinblock=$blk" -p kek1 -k kek2 -t 5
	[ "$status" -eq 0 ]
	[ "$output" = "id=T1 kek=kek2 DGI8010=$(field DGI8010) DGI9010=0505 test=1" ]
	one "id=T2 ptl=4 pinblock=$blk" -p kek1 -k kek2 -t 5
	[ "$status" -eq 0 ]
	[ "$(field DGI9010)" = 0404 ]
	[ "$(field ptl)" = 4 ]
	one "id=T3 ptl=15 pinblock=$blk" -p kek1 -k kek2
	[ "$(field DGI9010)" = 0F0F ]
	no_secret
}

@test "pin: a record already under kek2 goes through, its kek kept in place" {
	one "id=K1 kek=kek2 5A=$PAN DGI8000=00 pinblock=$(pin block 0 6619 $PAN -)" -p kek1 -k kek2
	[ "$status" -eq 0 ]
	[[ "$output" == "id=K1 kek=kek2 5A=$PAN DGI8000=00 DGI8010="*" DGI9010=0303 test=1" ]]
	[ "$(pin decipher kek2 "$(field DGI8010)")" = "$(ref2 6619)" ]
	no_secret
}

@test "pin: PVV of the psec vectors, and a 6-digit PIN uses its first 4" {
	one "id=V1 5A=1122334455667788 pinblock=$(pin block 0 4524 1122334455667788 -)" -p kek1 -k kek2 -v pin-pvk -i 1
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field pvki)" = 1 ] && [ "$(field pvv)" = 8523 ]
	[[ "$output" == *" DGI9010=0303 pvki=1 pvv=8523 test=1" ]]
	no_secret
	one "id=V2 5A=1122334455667788 pinblock=$(pin block 3 452499 1122334455667788 FEDCBAFEDCBAFE)" -p kek1 -k kek2 -v pin-pvk -i 1
	[ "$status" -eq 0 ]
	[ "$(field pvv)" = 8523 ]
	[ "$(pin decipher kek2 "$(field DGI8010)")" = "$(ref2 452499)" ]
	one "id=V3 5A=1122334455667788 pinblock=$(pin block 1 4524 - 0123456789)" -p kek1 -k kek2 -v pin-pvk -i 3
	[ "$(field pvv)" = 4021 ]
	no_secret
}

@test "pin: comments, blank lines and failed records pass untouched" {
	printf '# batch\n\nid=X1 pinblock=00 err=luhn\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-pin -p kek1 -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/in")" ]
}

@test "pin: a failing record in a batch: records out equal records in" {
	sed 's/^\(id=C0004 .*pinblock=\)[0-9A-F]*$/\10000000000000000/' "$DATA/import-sample.out" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-pin -p kek1 -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 8 ]
	[ "$(printf '%s\n' "$output" | grep -c ' err=')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c ' DGI8010=')" -eq 7 ]
	printf '%s\n' "$output" | grep -q '^id=C0004 .* pinblock=0000000000000000 err=pin-'
	[[ "$stderr" == "emv-pin: record C0004 (line 4): pinblock: pin-"* ]]
	no_secret
}

@test "pin: no-pinblock" {
	one "id=E1 5A=$PAN" -p kek1 -k kek2
	fails no-pinblock "emv-pin: record E1 (line 1): pinblock: no-pinblock: the record has no PIN block"
	no_secret
}

@test "pin: bad-pinblock: not hex, wrong length for the key" {
	one "id=E1 5A=$PAN pinblock=0123456789ABCDEG" -p kek1 -k kek2
	fails bad-pinblock "emv-pin: record E1 (line 1): pinblock: bad-pinblock: not 16 hex digits, a PIN block under triple-DES key kek1"
	one "id=E1 5A=$PAN pinblock=CC17F65586BFD0953010226C4FC5B3CA" -p kek1 -k kek2
	fails bad-pinblock "emv-pin: record E1 (line 1): pinblock: bad-pinblock: not 16 hex digits, a PIN block under triple-DES key kek1"
	one "id=E1 5A=$PAN pinblock=$(pin block 0 5937 $PAN -)" -p pin-kek4 -k kek2
	fails bad-pinblock "emv-pin: record E1 (line 1): pinblock: bad-pinblock: not 32 hex digits, a PIN block under AES key pin-kek4"
	no_secret
}

@test "pin: pin-format: format 2, format 4 under triple DES, format 7" {
	one "id=E1 5A=$PAN pinblock=$(pin block 2 5937 $PAN -)" -p kek1 -k kek2
	fails pin-format "emv-pin: record E1 (line 1): pinblock: pin-format: format 2 is for the card only, not for interchange"
	one "id=E1 5A=$PAN pinblock=$(pin encipher kek1 445937AAAAAAAAAA)" -p kek1 -k kek2
	fails pin-format "emv-pin: record E1 (line 1): pinblock: pin-format: format 4 needs an AES key"
	one "id=E1 5A=$PAN pinblock=$(pin encipher kek1 745937FFFFFFFFFF)" -p kek1 -k kek2
	fails pin-format "emv-pin: record E1 (line 1): pinblock: pin-format: format 7 does not exist"
	no_secret
}

@test "pin: pin-pan: formats 0, 3 and 4 made for another PAN" {
	one "id=E1 5A=4761739001010119 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails pin-pan "emv-pin: record E1 (line 1): pinblock: pin-pan: the PIN block does not match the PAN in 5A"
	one "id=E1 5A=5413330089000005 pinblock=$(pin block 3 271828 $PAN DACFEBBDAECFAD)" -p kek1 -k kek2
	fails pin-pan "emv-pin: record E1 (line 1): pinblock: pin-pan: the PIN block does not match the PAN in 5A"
	one "id=E1 5A=432198765432109871 pinblock=CC17F65586BFD0953010226C4FC5B3CA" -p pin-kek4 -k kek2
	fails pin-pan "emv-pin: record E1 (line 1): pinblock: pin-pan: the PIN block does not match the PAN in 5A"
	no_secret
}

@test "pin: pin-length, pin-digits, pin-fill" {
	one "id=E1 pinblock=$(pin encipher kek1 1312345EDCBA9876)" -p kek1 -k kek2
	fails pin-length "emv-pin: record E1 (line 1): pinblock: pin-length: PIN length is not 4 to 12"
	one "id=E1 pinblock=$(pin encipher kek1 1D12345EDCBA9876)" -p kek1 -k kek2
	fails pin-length "emv-pin: record E1 (line 1): pinblock: pin-length: PIN length is not 4 to 12"
	one "id=E1 pinblock=$(pin encipher kek1 14123E5EDCBA9876)" -p kek1 -k kek2
	fails pin-digits "emv-pin: record E1 (line 1): pinblock: pin-digits: a PIN digit is not 0 to 9"
	# Format 0, the last fill nibble 0: no PAN digit turns it into F.
	one "id=E1 5A=$PAN pinblock=$(pin encipher kek1 "$(pin clear 0 5937 $PAN - | cut -c1-15)0")" -p kek1 -k kek2
	fails pin-fill "emv-pin: record E1 (line 1): pinblock: pin-fill: fill digits are not those of the format"
	no_secret
}

@test "pin: no-pan: formats 0 and 3 without 5A, format 4, the PVV" {
	one "id=E1 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails no-pan "emv-pin: record E1 (line 1): 5A: no-pan: format 0 needs the PAN"
	one "id=E1 pinblock=$(pin block 3 7081 $PAN BDAFCEAEDBCFAE)" -p kek1 -k kek2
	fails no-pan "emv-pin: record E1 (line 1): 5A: no-pan: format 3 needs the PAN"
	one "id=E1 pinblock=CC17F65586BFD0953010226C4FC5B3CA" -p pin-kek4 -k kek2
	fails no-pan "emv-pin: record E1 (line 1): 5A: no-pan: format 4 needs the PAN"
	one "id=E1 pinblock=$(pin block 1 82046 - 3C9A07E15B28D4)" -p kek1 -k kek2 -v pin-pvk -i 1
	fails no-pan "emv-pin: record E1 (line 1): 5A: no-pan: the PVV needs a PAN of 12 digits or more"
	no_secret
}

@test "pin: bad-pan: 5A not BCD, or too short for the PVV" {
	one "id=E1 5A=47617390010100A0 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails bad-pan "emv-pin: record E1 (line 1): 5A: bad-pan: not a PAN of 1 to 19 BCD digits"
	one "id=E1 5A=47617390011F pinblock=$(pin block 1 82046 - 3C9A07E15B28D4)" -p kek1 -k kek2 -v pin-pvk -i 1
	fails bad-pan "emv-pin: record E1 (line 1): 5A: bad-pan: the PVV needs a PAN of 12 digits or more"
	no_secret
}

@test "pin: kek-mismatch: one record, one transport key" {
	one "id=E1 5A=$PAN kek=kek1 DGI8000=00 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails kek-mismatch "emv-pin: record E1 (line 1): kek: kek-mismatch: the record's secrets are under kek1, not kek2"
	no_secret
}

@test "pin: bad-ptl" {
	one "id=E1 5A=$PAN ptl=0 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails bad-ptl "emv-pin: record E1 (line 1): ptl: bad-ptl: PIN try limit is not a number from 1 to 15"
	one "id=E1 5A=$PAN ptl=x3 pinblock=$(pin block 0 5937 $PAN -)" -p kek1 -k kek2
	fails bad-ptl "emv-pin: record E1 (line 1): ptl: bad-ptl: PIN try limit is not a number from 1 to 15"
}

@test "pin: keys of the wrong type or missing are fatal before any record" {
	printf 'id=K1 5A=%s pinblock=%s\n' $PAN "$(pin block 0 5937 $PAN -)" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-pin -p imk-ac -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: key imk-ac: a key of type imk-ac may not be used for this" ]
	run --separate-stderr emv-pin -p kek1 -k kmc "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: key kmc: a key of type kmc may not be used for this" ]
	run --separate-stderr emv-pin -p kek1 -k kek2 -v kek1 -i 1 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: key kek1: a key of type kek may not be used for this" ]
	run --separate-stderr emv-pin -p pin-pvk -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: key pin-pvk: a key of type pvk may not be used for this" ]
	run --separate-stderr emv-pin -p kek1 -k nosuchkey "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: key nosuchkey: not found" ]
	no_secret
}

@test "pin: a store that cannot be opened, an input that cannot be read: fatal" {
	run --separate-stderr emv-pin -K "$BATS_TEST_TMPDIR/none" -p kek1 -k kek2 /dev/null
	[ "$status" -eq 3 ] && [ -z "$output" ] && [ -n "$stderr" ]
	run --separate-stderr emv-pin -p kek1 -k kek2 "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 3 ] && [ -z "$output" ]
	[ "$stderr" = "emv-pin: $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "pin: usage errors exit 2 with the synopsis" {
	local u="usage: emv-pin -p kek1 -k kek2 [-f 1|2] [-t tries] [-v pvk -i pvki] [-K dir] [file]"
	for args in "-p kek1" "-k kek2" "-p kek1 -k kek2 -f 3" "-p kek1 -k kek2 -f 0" \
	    "-p kek1 -k kek2 -t 0" "-p kek1 -k kek2 -t 16" "-p kek1 -k kek2 -v pin-pvk" \
	    "-p kek1 -k kek2 -i 1" "-p kek1 -k kek2 -v pin-pvk -i 10" "-p kek1 -k kek2 a b" \
	    "-p kek1 -k kek2 -x"; do
		run --separate-stderr emv-pin $args </dev/null
		[ "$status" -eq 2 ] && [ -z "$output" ]
		[ "${stderr##*$'\n'}" = "$u" ]
	done
}

@test "pin: a write error is fatal" {
	[ -w /dev/full ] || { echo "no /dev/full" >&2; false; }
	run --separate-stderr sh -c 'emv-pin -p kek1 -k kek2 "$1" >/dev/full' sh "$DATA/import-sample.out"
	[ "$status" -eq 3 ]
	[[ "$stderr" == "emv-pin: stdout: "* ]]
}
