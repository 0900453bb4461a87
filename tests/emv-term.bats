#!/usr/bin/env bats
# emv-term: whole contact transactions against the virtual card of
# tests/data/verify-card.bash (PIN 1234, no ODA), with emv-host as the
# co-process, and the recorded dialog (tests/replay/term-online.txt)
# replayed to the same record.
bats_require_minimum_version 1.5.0
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

field() {
	tr ' ' '\n' <<<"$output" | sed -n "s/^$1=//p"
}

# term PIN ARGS...: emv-term on the test POS profile, seed 7, the PIN
# given in a file.
term() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/pin"
	shift
	run --separate-stderr emv-term -t "$DATA/term-pos.terminal" -S 7 \
	    -p "$BATS_TEST_TMPDIR/pin" "$@"
}

# no_secrets FILE...: no test key, PIN or PIN block in the files.
no_secrets() {
	local k
	for k in $(awk '/^(imk|kek1|kmc )/ { print $4 }' "$DATA/test-keys.txt") 241234FFFFFFFFFF; do
		assert_no_secret "$k" "$@"
	done
}

@test "term: an approved online transaction, traced" {
	verify_card "$BATS_TEST_TMPDIR/c"
	term 1234 -a 1500 -H 'emv-host -a imk-ac' -v -T "$BATS_TEST_TMPDIR/trace" <<<'id=t1'
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$DATA/term-online.out"
	[ "$(field decision)" = approved ]
	[ "$(field online)" = yes ]
	[ "${stderr_lines[${#stderr_lines[@]}-1]}" = "emv-term: decision: approved online" ]
	grep -q '^emv-term: > VERIFY: 0020008008XXXXXXXXXXXXXXXX$' <<<"$stderr"
	grep -q '^emv-term: < 701E5710123456\*\*\*\*\*\*3456D2512' <<<"$stderr"
	assert_no_secret 1234567890123456 <(printf '%s\n' "$stderr")
	assert_no_secret 1234567890 <(printf '%s\n' "$stderr")
	no_secrets <(printf '%s\n' "$output") <(printf '%s\n' "$stderr") "$BATS_TEST_TMPDIR/trace"
	diff "$BATS_TEST_TMPDIR/trace" "$TOP/tests/replay/term-online.txt"
}

@test "term: the recorded dialog replays to the same record" {
	term 1234 -a 1500 -H 'emv-host -a imk-ac' -R "$TOP/tests/replay/term-online.txt" <<<'id=t1'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	diff <(printf '%s\n' "$output") "$DATA/term-online.out"
}

@test "term: over the floor limit offline-only, the IAC default declines" {
	verify_card "$BATS_TEST_TMPDIR/c"
	term 1234 -o -a 9000 <<<'id=t2'
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(field decision)" = declined ]
	[ "$(field online)" = no ]
	[ "$(field 9F27)" = 00 ]
	[ "$(field 95)" = 8008008000 ]
	[ "$(field 9F34)" = 410302 ]
	[ "$(field 8A)" = "" ]
}

@test "term: a wrong PIN fails the PIN rule, the signature rule follows" {
	verify_card "$BATS_TEST_TMPDIR/c"
	term 4321 -o -a 1500 <<<'id=t3'
	[ "$status" -eq 0 ]
	[ "$(field 9F34)" = 1E0300 ]
	[ "$(field 95)" = 8008000000 ]
	no_secrets <(printf '%s\n' "$output") <(printf '%s\n' "$stderr")
	assert_no_secret 4321 <(printf '%s\n' "$output") <(printf '%s\n' "$stderr")
}

@test "term: no host, the card's ARQC ends in the default action (Z3)" {
	verify_card "$BATS_TEST_TMPDIR/c"
	term 1234 -a 1500 <<<'id=t4'
	[ "$status" -eq 0 ]
	[ "$(field online)" = no ]
	[ "$(field 8A)" = 5A33 ]
	[ "$(field decision)" = declined ]
}

@test "term: a replay that does not match marks the record" {
	run --separate-stderr emv-term -t "$DATA/term-pos.terminal" -S 8 \
	    -R "$TOP/tests/replay/term-online.txt" <<<'id=t5'
	[ "$status" -eq 1 ]
	[ "$(count_records <(printf '%s\n' "$output"))" -eq 1 ]
	[[ "$(field err)" == reader* ]]
	[[ "$stderr" == "emv-term: record t5 (line 1): -: reader: "* ]]
}

@test "term: usage errors" {
	run --separate-stderr emv-term -a 1 </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: emv-term -t terminal "* ]]
	[ "$output" = "" ]
	run --separate-stderr emv-term -t "$DATA/term-pos.terminal" -a x </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-term: -a x: amount is invalid" ]
	run --separate-stderr emv-term -t "$DATA/term-pos.terminal" -R a -r b </dev/null
	[ "$status" -eq 2 ]
	printf '12\n' >"$BATS_TEST_TMPDIR/pin"
	run --separate-stderr emv-term -t "$DATA/term-pos.terminal" -p "$BATS_TEST_TMPDIR/pin" </dev/null
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-term: $BATS_TEST_TMPDIR/pin: not a PIN of 4 to 12 digits" ]
	[ "$output" = "" ]
}
