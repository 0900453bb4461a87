#!/usr/bin/env bats
# Data preparation end to end: pipelines/prep over the sample issuer file
# with a test key store, and the secrets that must never show.
load helper

setup() {
	make_test_store "$BATS_TEST_TMPDIR/keys"
	sh "$TOP/pipelines/demo-ca.sh" "$BATS_TEST_TMPDIR/ca" >/dev/null
	out=$BATS_TEST_TMPDIR/out
}

# hexdec KEYHEX CIPHERHEX: 3DES-ECB decryption by openssl, not by us.
hexdec() {
	perl -e 'print pack("H*", $ARGV[0])' "$2" |
	    openssl enc -d -des-ede -K "$1" -nopad | od -An -tx1 | tr -d ' \n' | tr a-f A-F
}

@test "prep: the sample batch goes through every stage, no record lost or failed" {
	run --separate-stderr sh "$TOP/pipelines/prep" -o "$out" "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "prep: 8 records, 0 marked err: $out/10-cps.txt" ]
	for s in 01-import 02-derive 03-pin 04-track 05-profile 06-records 07-icc 08-sda 09-check 10-cps; do
		[ "$(count_records "$out/$s.txt")" -eq 8 ]
	done
	# Every card has its keys, PIN, chip track data, all secrets under kek2.
	for f in DGI8000 DGI9000 DGI8010 DGI9010 57 9F1F track1 track2 cvv2 94; do
		[ "$(grep -c " $f=" "$out/09-check.txt")" -eq 8 ]
	done
	[ "$(grep -c ' kek=kek2 ' "$out/09-check.txt")" -eq 8 ]
	[ "$(grep -c ' test=1' "$out/09-check.txt")" -eq 8 ]
	! grep -q 'pinblock=' "$out/09-check.txt"
	# SDA for the SDA card, an ICC key for the DDA and CDA cards.
	[ "$(grep -c ' 93=' "$out/09-check.txt")" -eq 1 ]
	[ "$(grep -c ' 9F46=' "$out/09-check.txt")" -eq 7 ]
	[ "$(grep -c ' DGI8205=' "$out/10-cps.txt")" -eq 7 ]
	# The CPS records hold DGIs and the attributes the device needs only.
	! grep -q -e ' 5A=' -e ' cvv2=' -e ' track1=' "$out/10-cps.txt"
	[ "$(grep -c ' aid=A0000000031010 ' "$out/10-cps.txt")" -eq 5 ]
	[ "$(grep -c ' aid=A0000000041010 ' "$out/10-cps.txt")" -eq 3 ]
}

@test "prep: no clear key, card key or PIN in any stream, message or key file" {
	run --separate-stderr sh "$TOP/pipelines/prep" -o "$out" "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/stderr"
	files="$out/*.txt $BATS_TEST_TMPDIR/stderr $BATS_TEST_TMPDIR/keys/* $BATS_TEST_TMPDIR/ca/*"
	# The store's clear keys.
	while read -r name type alg hex; do
		case $name in '#'*|'') continue ;; esac
		assert_no_secret "$hex" $files
	done <"$DATA/test-keys.txt"
	kek2=$(awk '$1 == "kek2" { print $4 }' "$DATA/test-keys.txt")
	# The ICC private primes, recovered here by openssl from DGI 8205.
	for ct in $(sed -n 's/.* DGI8205=\([0-9A-F]*\).*/\1/p' "$out/10-cps.txt"); do
		p=$(hexdec "$kek2" "$ct")
		[ ${#p} -ge 128 ]
		assert_no_secret "${p:0:64}" $files
	done
	# The card master keys, recovered here by openssl from DGI 8000.
	for ct in $(sed 's/.* DGI8000=\([0-9A-F]*\).*/\1/' "$out/09-check.txt"); do
		mk=$(hexdec "$kek2" "$ct")
		[ ${#mk} -eq 96 ]
		for k in "${mk:0:32}" "${mk:32:32}" "${mk:64:32}"; do
			assert_no_secret "$k" $files
		done
	done
	# The PINs, as the card's format 2 reference blocks and as digits
	# after the PIN-length nibble.
	while read -r id pan pin fmt fill; do
		case $id in '#'*|'') continue ;; esac
		blk=$(printf '2%X%s' ${#pin} "$pin")
		while [ ${#blk} -lt 16 ]; do blk=${blk}F; done
		assert_no_secret "$blk" $files
		assert_no_secret "$(printf '%X%s' ${#pin} "$pin")F" $files
	done <"$DATA/pin-sample-pins.txt"
}

@test "prep: the PIN blocks decrypt, under kek2 by openssl, to the sample PINs" {
	sh "$TOP/pipelines/prep" -o "$out" "$DATA/sample.csv" 2>/dev/null
	kek2=$(awk '$1 == "kek2" { print $4 }' "$DATA/test-keys.txt")
	while read -r id pan pin fmt fill; do
		case $id in '#'*|'') continue ;; esac
		ct=$(grep "^id=$id " "$out/10-cps.txt" | sed 's/.* DGI8010=\([0-9A-F]*\).*/\1/')
		want=$(printf '2%X%s' ${#pin} "$pin")
		while [ ${#want} -lt 16 ]; do want=${want}F; done
		[ "$(hexdec "$kek2" "$ct")" = "$want" ]
	done <"$DATA/pin-sample-pins.txt"
}

@test "prep: a bad card fails where it fails, the batch goes on, the driver says so" {
	# Card C0003's PIN block has one digit changed: it deciphers to
	# garbage, emv-pin marks it, the other cards pass.
	sed '/^C0003,/s/3$/0/' "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/cards.csv"
	! cmp -s "$DATA/sample.csv" "$BATS_TEST_TMPDIR/cards.csv"
	run --separate-stderr sh "$TOP/pipelines/prep" -o "$out" "$BATS_TEST_TMPDIR/cards.csv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"emv-pin: record C0003 (line 3): pinblock: pin-digits: a PIN digit is not 0 to 9"* ]]
	[[ "$stderr" == *"prep: stage pin marked some records with err"* ]]
	[ "$(count_records "$out/10-cps.txt")" -eq 8 ]
	[ "$(grep -c ' err=' "$out/10-cps.txt")" -eq 1 ]
	grep -q '^id=C0003 .* err=pin-digits$' "$out/10-cps.txt"
	# Later stages passed the failed record on untouched.
	[ "$(grep '^id=C0003 ' "$out/03-pin.txt")" = "$(grep '^id=C0003 ' "$out/10-cps.txt")" ]
}

@test "prep: a stage that fails fatally stops the driver with its status" {
	run --separate-stderr env PREP_KEK2=no-such-key sh "$TOP/pipelines/prep" -o "$out" "$DATA/sample.csv"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"prep: stage derive failed (exit 3)"* ]]
	[ ! -e "$out/02-derive.txt" ]
}
