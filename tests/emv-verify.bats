#!/usr/bin/env bats
# emv-verify: cards against their prepared records, and on their own.
load helper

# vrun SED: verify the card record of tests/data/verify-card.rec changed
# by the sed script against tests/data/card-app.rec.
vrun() {
	sed "$1" "$DATA/verify-card.rec" >"$BATS_TEST_TMPDIR/card"
	run --separate-stderr emv-verify -s "$DATA/card-app.rec" "$BATS_TEST_TMPDIR/card"
}

field() {
	tr ' ' '\n' <<<"$output" | sed -n "s/^$1=//p"
}

@test "verify: the card as read passes" {
	vrun ''
	[ "$status" -eq 0 ]
	[ "$(field verify)" = pass ]
	[ "$stderr" = "emv-verify: 1 cards: 1 passed, 0 failed" ]
	[ "$(count_records <(printf '%s\n' "$output"))" -eq 1 ]
}

@test "verify: a wrong tag value is named" {
	vrun 's/ 9F14=03/ 9F14=05/'
	[ "$status" -eq 1 ]
	[ "$(field verify)" = fail ]
	[ "$(field checks)" = data ]
	[ "$(field diff)" = 9F14 ]
	[ "${stderr_lines[0]}" = "emv-verify: record card-app (line 1): data: 1 differences: 9F14" ]
}

@test "verify: a tampered record is named by its DGI and its tag" {
	vrun 's/\(DGI0201=7081A35A0812345678901234565F2403\)251231/\1261231/'
	[ "$status" -eq 1 ]
	[ "$(field diff)" = DGI0201 ]
}

@test "verify: track 2 that disagrees with 5A" {
	vrun 's/ 57=1234567890123456D/ 57=1234567890123457D/; s/\(DGI0101=701E5710\)1234567890123456/\11234567890123457/'
	[ "$status" -eq 1 ]
	[ "$(field checks)" = data,stripe ]
	[ "${stderr_lines[1]}" = "emv-verify: record card-app (line 1): stripe: 57: PAN differs from 5A" ]
	assert_no_secret 1234567890123456 <(printf '%s\n' "$stderr")
}

@test "verify: an AFL naming a record the card has not" {
	vrun 's/ 94=0801010010010100/ 94=0801020010010100/'
	[ "$status" -eq 1 ]
	[ "$(field checks)" = afl ]
	[ "${stderr_lines[0]}" = "emv-verify: record card-app (line 1): afl: 94: names record 2 of SFI 1, not on the card" ]
}

@test "verify: DDA in the AIP without ICC data fails afl" {
	vrun 's/ 82=1C00/ 82=3C00/'
	[ "$status" -eq 1 ]
	[ "$(field checks)" = afl ]
	[ "${stderr_lines[0]}" = "emv-verify: record card-app (line 1): afl: 82: DDA without 8F" ]
}

@test "verify: a card of no prepared record" {
	vrun 's/id=card-app/id=other/; s/ 5A=1234567890123456/ 5A=1234567890123464/'
	[ "$status" -eq 1 ]
	[[ "$(field checks)" == join* ]]
}

@test "verify: usage" {
	run --separate-stderr emv-verify
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: emv-verify -s prepared [-K dir] [-l capk] [-a imk-ac] [-c imk-smc] [-i imk-smi] [-R replay | -r reader] [-t terminal] [-w ms] [file]" ]
	[ "$output" = "" ]
}

# The exercises on the virtual card: the prepared record with the PIN
# block of verify_card under kek1.
exsetup() {
	load pcsc
	load data/verify-card
	export KS=$BATS_TEST_TMPDIR/ks
	make_test_store "$KS"
	pcsc_start 1
	# An AIP without DDA: the test application has no ICC key.
	{ grep -v '^#' "$DATA/card-app.rec" | tr -d '\n' |
	    sed 's/DGI9104=82023C00/DGI9104=82021C00/'
	  printf ' kek=kek1 DGI8010=%s\n' "$(sh "$DATA/pin-sample.sh" block 2 1234 - -)"
	} >"$BATS_TEST_TMPDIR/prep"
	export VERIFY_APP=$BATS_TEST_TMPDIR/prep
}

exteardown() {
	card_stop 0
	pcsc_stop
}

key_hex() {
	awk -v n="$1" '$1 == n { print $4 }' "$DATA/test-keys.txt"
}

# exrun: read the card and exercise it.
exrun() {
	emv-read -t "$DATA/read-term.rec" <<<'id=card-app' >"$BATS_TEST_TMPDIR/read"
	run --separate-stderr emv-verify -s "$BATS_TEST_TMPDIR/prep" \
	    -t "$DATA/read-term.rec" -r "$(reader_name 0)" -a imk-ac -i imk-smi -c imk-smc \
	    "$BATS_TEST_TMPDIR/read"
	exsecrets
}

# No clear key or PIN of the test in any stream, stderr or the store.
exsecrets() {
	local f
	for f in imk-ac imk-smi imk-smc kek1; do
		assert_no_secret "$(key_hex "$f")" <(printf '%s\n' "$output") \
		    <(printf '%s\n' "$stderr") "$BATS_TEST_TMPDIR/read" \
		    "$BATS_TEST_TMPDIR/prep" "$KS"/*
	done
	assert_no_secret 241234FFFFFFFFFF <(printf '%s\n' "$output") \
	    <(printf '%s\n' "$stderr") "$BATS_TEST_TMPDIR/read"
}

@test "verify: a good card passes every exercise of its keys and PIN" {
	exsetup
	verify_card "$BATS_TEST_TMPDIR/c"
	exrun
	exteardown
	[ "$status" -eq 0 ]
	[ "$(field verify)" = pass ]
	[ "$(field test)" = 1 ]
	[ "$stderr" = "emv-verify: 1 cards: 1 passed, 0 failed" ]
	[ "$(count_records <(printf '%s\n' "$output"))" -eq 1 ]
}

@test "verify: a card personalized with a wrong MK-AC fails arqc" {
	exsetup
	printf '%s\n' 00112233445566778899AABBCCDDEEFF |
	    emv-keys import -x imk-ac-bad imk-ac 3des2 >/dev/null
	verify_card "$BATS_TEST_TMPDIR/c" 1234 imk-ac-bad
	exrun
	assert_no_secret 00112233445566778899AABBCCDDEEFF \
	    <(printf '%s\n' "$output") <(printf '%s\n' "$stderr")
	exteardown
	[ "$status" -eq 1 ]
	[ "$(field verify)" = fail ]
	[ "$(field checks)" = arqc ]
	[ "${stderr_lines[0]}" = "emv-verify: record card-app (line 1): arqc: 9F26: cryptogram or MAC does not match" ]
	[ "$(count_records <(printf '%s\n' "$output"))" -eq 1 ]
}

@test "verify: a card with a wrong PIN loaded fails pin" {
	exsetup
	verify_card "$BATS_TEST_TMPDIR/c" 4321
	exrun
	assert_no_secret 4321 <(printf '%s\n' "$output") <(printf '%s\n' "$stderr")
	exteardown
	[ "$status" -eq 1 ]
	[ "$(field verify)" = fail ]
	[ "$(field checks)" = pin ]
	[ "${stderr_lines[0]}" = "emv-verify: record card-app (line 1): pin: plaintext PIN: VERIFY: status 63C2" ]
}

@test "verify: a key of the wrong type is fatal before any record" {
	export KS=$BATS_TEST_TMPDIR/ks
	make_test_store "$KS"
	run --separate-stderr emv-verify -s "$DATA/card-app.rec" -a kek1 \
	    "$DATA/verify-card.rec"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-verify: key kek1: a key of type kek may not be used for this" ]
	[ "$output" = "" ]
}
