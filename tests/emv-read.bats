#!/usr/bin/env bats
# emv-read: a terminal's reading of a card, from a recorded dialog
# (tests/replay/read-visa.txt) and from the virtual card.
load helper
load pcsc
load data/verify-card

setup_file() {
	export KS=$BATS_FILE_TMPDIR/ks
	make_test_store "$KS"
	pcsc_start 1
}

teardown_file() {
	pcsc_stop
}

teardown() {
	card_stop 0
}

@test "read: the replay of a Visa test card gives its record exactly" {
	run --separate-stderr emv-read -R "$TOP/tests/replay/read-visa.txt" \
	    -t "$DATA/read-term.rec" <<<'id=card-app'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	diff <(printf '%s\n' "$output") "$DATA/read-visa.out"
}

@test "read: the virtual card personalized by hand reads as the replay" {
	verify_card "$BATS_TEST_TMPDIR/c"
	run --separate-stderr emv-read -t "$DATA/read-term.rec" \
	    -T "$BATS_TEST_TMPDIR/trace" <<<'id=card-app'
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") <(sed 's/reader=replay/reader=pcsc/' "$DATA/read-visa.out")
	diff "$BATS_TEST_TMPDIR/trace" "$TOP/tests/replay/read-visa.txt"
	local k
	for k in $(awk '/^(imk|kek1|kmc )/ { print $4 }' "$DATA/test-keys.txt") 241234FFFFFFFFFF; do
		assert_no_secret "$k" <(printf '%s\n' "$output") \
		    <(printf '%s\n' "$stderr") "$BATS_TEST_TMPDIR/trace"
	done
}

@test "read: a T=0 virtual card reads the same" {
	emv-card -N -c kek2-aes -k kmc -s 00000042 "$BATS_TEST_TMPDIR/x" 
	verify_card "$BATS_TEST_TMPDIR/c"
	card_stop 0
	card_start 0 -0 "$BATS_TEST_TMPDIR/c"
	run --separate-stderr emv-read -t "$DATA/read-term.rec" <<<'id=card-app'
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") <(sed 's/reader=replay/reader=pcsc/' "$DATA/read-visa.out")
}

@test "read: a replay that goes another way marks the record and stops" {
	sed 's/^< 770E82023C00.*/< 6985/' "$TOP/tests/replay/read-visa.txt" >"$BATS_TEST_TMPDIR/r"
	run --separate-stderr emv-read -R "$BATS_TEST_TMPDIR/r" \
	    -t "$DATA/read-term.rec" <<<'id=card-app'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "emv-read: record card-app (line 1): -: card-refused: GET PROCESSING OPTIONS: status 6985" ]
	[ "$output" = "id=card-app err=card-refused" ]
}

@test "read: usage" {
	run --separate-stderr emv-read -x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[-1]}" = "usage: emv-read [-a aid,...] [-n count] [-R replay | -r reader] [-T trace] [-t terminal] [-w ms] [file]" ]
	[ "$output" = "" ]
}
