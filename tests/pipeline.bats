#!/usr/bin/env bats
# The record stream as a contract: stages compose, and any stage in the
# middle can be an awk or sed line that edits one field.
load helper

setup() {
	emv-import "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/imported"
	n=$(count_records "$BATS_TEST_TMPDIR/imported")
	[ "$n" -gt 3 ]
}

@test "pipeline: sed edits one field mid-pipeline and the next stage takes it" {
	# Service code 0201 -> 0101 on every card, by sed, between two stages.
	run --separate-stderr sh -c 'sed "s/ 5F30=0201/ 5F30=0101/" "$1" | emv-show -c' sh "$BATS_TEST_TMPDIR/imported"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | grep -c ' 5F30=0101')" -eq "$n" ]
	[ "$(printf '%s\n' "$output" | grep -c '5F30=0201')" -eq 0 ]
	# Everything else came through untouched.
	diff <(printf '%s\n' "$output") <(sed "s/ 5F30=0201/ 5F30=0101/" "$BATS_TEST_TMPDIR/imported")
}

@test "pipeline: awk replaces a stage that appends an attribute" {
	run --separate-stderr sh -c 'awk "/^#/ || /^\$/ { print; next } { print \$0 \" batch=B42\" }" "$1" | emv-show -c' sh "$BATS_TEST_TMPDIR/imported"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c ' batch=B42$')" -eq "$n" ]
	[ "$(printf '%s\n' "$output" | grep -cv -e '^#' -e '^$')" -eq "$n" ]
}

@test "pipeline: awk that breaks a value is caught downstream and no record is lost" {
	# An editing stage that writes a bad expiry (4 bytes) into the first card.
	run --separate-stderr sh -c 'awk "!done && / 5F24=/ { sub(/ 5F24=[0-9A-F]*/, \" 5F24=28123101\"); done = 1 } { print }" "$1" | emv-show -c' sh "$BATS_TEST_TMPDIR/imported"
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -cv -e '^#' -e '^$')" -eq "$n" ]
	[ "$(printf '%s\n' "$output" | grep -c ' err=')" -eq 1 ]
	[[ "$stderr" == *"5F24"* ]]
}

@test "pipeline: a stage passes records marked err by an earlier one untouched" {
	sed '2s/$/ err=luhn/' "$BATS_TEST_TMPDIR/imported" >"$BATS_TEST_TMPDIR/marked"
	run --separate-stderr emv-show -c "$BATS_TEST_TMPDIR/marked"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$BATS_TEST_TMPDIR/marked"
}

@test "pipeline: the demo driver keeps one stream per stage and a summary" {
	DEMO_DIR=$BATS_TEST_TMPDIR/demo run --separate-stderr sh "$TOP/pipelines/demo"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/demo/01-import.txt" ]
	for s in 02-derive 03-pin 04-track 05-profile 06-records 07-icc 08-sda 09-check 10-cps 11-show 12-perso 13-verify 14-transactions; do
		[ -s "$BATS_TEST_TMPDIR/demo/$s.txt" ]
	done
	[[ "$output" == *"records out:        $n"* ]]
	[[ "$output" == *"records marked err: 0"* ]]
	# The full flow: every card personalized and verified, and per
	# profile one approved online and one declined offline transaction.
	[ "$(grep -c ' perso=ok' "$BATS_TEST_TMPDIR/demo/12-perso.txt")" -eq "$n" ]
	[ "$(grep -c ' verify=pass' "$BATS_TEST_TMPDIR/demo/13-verify.txt")" -eq "$n" ]
	[ "$(grep -c ' decision=approved.* online=yes\| online=yes.* decision=approved' "$BATS_TEST_TMPDIR/demo/14-transactions.txt")" -eq 3 ]
	[ "$(grep -c ' decision=declined.* online=no\| online=no.* decision=declined' "$BATS_TEST_TMPDIR/demo/14-transactions.txt")" -eq 3 ]
}

@test "pipeline: a site file overrides one stage of a driver" {
	# The check stage becomes emv-show -c followed by a small awk script.
	printf 'stage_check() { emv-show -c | awk "{ print \\$0 \\" batch=B42\\" }"; }\n' >"$BATS_TEST_TMPDIR/site.sh"
	DEMO_DIR=$BATS_TEST_TMPDIR/demo EMVPERSO_SITE=$BATS_TEST_TMPDIR/site.sh run --separate-stderr sh "$TOP/pipelines/demo"
	[ "$status" -eq 0 ]
	[ "$(grep -c ' batch=B42$' "$BATS_TEST_TMPDIR/demo/09-check.txt")" -eq "$n" ]
	[ "$(count_records "$BATS_TEST_TMPDIR/demo/10-cps.txt")" -eq "$n" ]
	# The swapped stage still gives verified cards.
	[ "$(grep -c ' verify=pass' "$BATS_TEST_TMPDIR/demo/13-verify.txt")" -eq "$n" ]
}
