#!/usr/bin/env bats
# The whole flow on the demo batch (make demo's driver, run once for this
# file), then cards broken on purpose after the fact: emv-verify must name
# the fault from the card record alone.
load helper

setup_file() {
	export D=$BATS_FILE_TMPDIR/demo
	DEMO_DIR=$D sh "$TOP/pipelines/demo" >"$BATS_FILE_TMPDIR/demo.out" 2>&1
}

setup() {
	export EMVPERSO_KEYSTORE=$D/keys EMVPERSO_LMK=$D/lmk
	cd "$BATS_TEST_TMPDIR"
}

# card ID: the card record of ID as emv-read wrote it, verify result off.
card() {
	grep "^id=$1 " "$D/13-verify.txt" | sed 's/ verify=[^ ]*//; s/ checks=[^ ]*//'
}

# flip FIELD: flip one bit in the middle of FIELD's value (stdin to stdout).
flip() {
	awk -v f="$1" '{
		for (i = 1; i <= NF; i++) {
			if (index($i, f "=") != 1)
				continue
			v = substr($i, length(f) + 2)
			p = int(length(v) / 4) * 2 + 1
			b = substr(v, p, 2)
			nb = substr("0123456789ABCDEF", index("0123456789ABCDEF", substr(b, 2, 1)) % 16 + 1, 1)
			$i = f "=" substr(v, 1, p) nb substr(v, p + 2)
		}
		print
	}'
}

@test "flow: every demo card was personalized, verified, and transacted" {
	[ "$(grep -c ' perso=ok' "$D/12-perso.txt")" -eq 8 ]
	[ "$(grep -c ' verify=pass' "$D/13-verify.txt")" -eq 8 ]
	[ "$(count_records "$D/14-transactions.txt")" -eq 6 ]
}

@test "flow: an untouched card passes the offline checks again" {
	card C0003 >c.rec
	run --separate-stderr emv-verify -s "$D/09-check.txt" -l "$D/capk.txt" c.rec
	[ "$status" -eq 0 ]
	[[ "$output" == *" verify=pass"* ]]
	[ "$stderr" = "emv-verify: 1 cards: 1 passed, 0 failed" ]
}

@test "flow: a tampered ODA record of an SDA card fails the SDA signature" {
	card C0003 | flip DGI0201 >c.rec
	! cmp -s c.rec <(card C0003)
	run --separate-stderr emv-verify -s "$D/09-check.txt" -l "$D/capk.txt" c.rec
	[ "$status" -eq 1 ]
	[[ "$output" == *" verify=fail checks=data,oda"* ]]
	[ "${stderr_lines[0]}" = "emv-verify: record C0003 (line 1): data: 1 differences: DGI0201" ]
	[ "${stderr_lines[1]}" = "emv-verify: record C0003 (line 1): oda: 93: hash does not match" ]
}

@test "flow: a tampered ODA record of a DDA card fails the ICC certificate" {
	card C0001 | flip DGI0201 >c.rec
	run --separate-stderr emv-verify -s "$D/09-check.txt" -l "$D/capk.txt" c.rec
	[ "$status" -eq 1 ]
	[[ "$output" == *" verify=fail checks=data,oda"* ]]
	[ "${stderr_lines[1]}" = "emv-verify: record C0001 (line 1): oda: 9F46: hash does not match" ]
}

@test "flow: a card checked against another CA key list fails ODA" {
	card C0005 >c.rec
	run --separate-stderr emv-verify -s "$D/09-check.txt" -l "$DATA/capk-public.txt" c.rec
	[ "$status" -eq 1 ]
	[[ "$output" == *" verify=fail checks=oda"* ]]
}

@test "flow: emv-verify | emv-show reads well and masks the PAN" {
	card C0005 >c.rec
	run --separate-stderr sh -c 'emv-verify -s "$1" -l "$2" "$3" | emv-show' sh "$D/09-check.txt" "$D/capk.txt" c.rec
	[ "$status" -eq 0 ]
	[[ "$output" == *"541333******0005"* ]]
	[[ "$output" != *"5413330089000005"* ]]
}
