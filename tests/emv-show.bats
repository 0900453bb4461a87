#!/usr/bin/env bats
# emv-show: records shown to a person, or checked against the dictionary.
load helper

PAN=4761739001010119
MASKED=476173******0119

# One record line in a file of its own; run emv-show ARGS on it.
one() {
	local rec=$1
	shift
	printf '%s\n' "$rec" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-show "$@" "$BATS_TEST_TMPDIR/in"
}

@test "show: the sample reads as expected" {
	run --separate-stderr emv-show "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$DATA/show-good.out"
}

@test "show: record headers name the id and line, records apart by a blank line" {
	run --separate-stderr emv-show "$DATA/show-good.rec"
	[ "${lines[0]}" = "# emv-show sample: a card and a transaction" ]
	[ "${lines[1]}" = "record card-1 (line 2)" ]
	printf '%s\n' "$output" | grep -qx 'record txn-1 (line 4)'
	printf '%s\n' "$output" | grep -B1 -x 'record txn-1 (line 4)' | head -1 | grep -qx ''
}

@test "show: PAN masked in 5A, in track 2 and inside a record DGI" {
	run --separate-stderr emv-show "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	assert_no_secret "$PAN" "$BATS_TEST_TMPDIR/out"
	grep -Fqx "  5A    Application Primary Account Number (PAN): $MASKED" "$BATS_TEST_TMPDIR/out"
	grep -Fqx "  57    Track 2 Equivalent Data: PAN $MASKED, expiry 2027-12, service code 201, discretionary data (13 digits, shown with -u)" "$BATS_TEST_TMPDIR/out"
	grep -Fqx "              5A    Application Primary Account Number (PAN): $MASKED" "$BATS_TEST_TMPDIR/out"
	# The discretionary data of track 2 is hidden too.
	assert_no_secret 1234567890123 "$BATS_TEST_TMPDIR/out"
}

@test "show: -u shows the PAN and track data whole" {
	run --separate-stderr emv-show -u "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	[[ "$output" == *"  5A    Application Primary Account Number (PAN): $PAN"* ]]
	[[ "$output" == *"PAN $PAN, expiry 2027-12, service code 201, discretionary data 1234567890123"* ]]
	# -u does not open secret DGIs or secret attributes.
	[[ "$output" != *A1A1A1A1* ]]
	[[ "$output" != *3F8A1C02B7E94D65* ]]
}

@test "show: the learnt PAN is masked in the hex of any other field" {
	one "id=p1 5A=$PAN DF01=00${PAN}FF"
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "  DF01  unknown tag: 00${MASKED}FF" ]
	[[ "$output" != *"$PAN"* ]]
}

@test "show: DGI 8000 shown as encrypted under its KEK, never its bytes" {
	run --separate-stderr emv-show -u "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	grep -qx "  DGI8000  card keys MK-AC, MK-SMI, MK-SMC: (encrypted under tk-2024)" "$BATS_TEST_TMPDIR/out"
	assert_no_secret 6F1CA1A1 "$BATS_TEST_TMPDIR/out"
	assert_no_secret A1A1A1A1A1A1 "$BATS_TEST_TMPDIR/out"
	one "id=k0 DGI8010=0011223344556677"
	[ "${lines[2]}" = "  DGI8010  offline reference PIN block: (encrypted; the record names no kek)" ]
	[[ "$output" != *0011223344556677* ]]
}

@test "show: a PIN block attribute is never shown" {
	run --separate-stderr emv-show -u "$DATA/show-good.rec"
	printf '%s\n' "$output" | grep -qx '  pinblock  attribute: (16 characters, never shown)'
	[[ "$output" != *3F8A1C02B7E94D65* ]]
}

@test "show: AIP flags, CVM rules, dates and amounts in words" {
	run --separate-stderr emv-show "$DATA/show-good.rec"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	grep -A4 -x '  82    Application Interchange Profile (AIP): 3900' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/aip"
	diff "$BATS_TEST_TMPDIR/aip" - <<-'EOF'
	  82    Application Interchange Profile (AIP): 3900
	        DDA supported
	        cardholder verification supported
	        terminal risk management to be performed
	        CDA supported
	EOF
	grep -qx '        amount X 0.00 EUR, amount Y 0.00 EUR' "$BATS_TEST_TMPDIR/out"
	grep -qx '        4203  enciphered PIN verified online, if terminal supports the CVM; if unsuccessful, apply the next rule' "$BATS_TEST_TMPDIR/out"
	grep -qx '        1F03  no CVM required, if terminal supports the CVM; if unsuccessful, cardholder verification fails' "$BATS_TEST_TMPDIR/out"
	grep -qx '  5F24  Application Expiration Date: 2027-12-31' "$BATS_TEST_TMPDIR/out"
	grep -qx '  9A    Transaction Date: 2026-11-27' "$BATS_TEST_TMPDIR/out"
	grep -qx '  9F02  Amount, Authorised (Numeric): 123.45 EUR' "$BATS_TEST_TMPDIR/out"
	grep -qx '  5F28  Issuer Country Code: 250 FR' "$BATS_TEST_TMPDIR/out"
	grep -qx '  9F27  Cryptogram Information Data: 80' "$BATS_TEST_TMPDIR/out"
}

@test "show: a constructed BF0C is an indented tree" {
	one "id=t1 BF0C=9F4D020B0ADF0102ABCD"
	[ "$status" -eq 0 ]
	[ "$output" = "record t1 (line 1)
  id    attribute: t1
  BF0C  File Control Information (FCI) Issuer Discretionary Data:
        9F4D  Log Entry: 0B0A: SFI 11, 10 records
        DF01  unknown tag: ABCD" ]
}

@test "show: a value that breaks its format is shown in hex with the fault" {
	one "id=f1 5F24=27123101 BF0C=9F4D050B0A"
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = "  5F24  Application Expiration Date: 27123101 (bad-length: 4 bytes, want 3)" ]
	[ "${lines[3]}" = "  BF0C  File Control Information (FCI) Issuer Discretionary Data: 9F4D050B0A (bad-tlv: value runs past the end of the data at byte 1)" ]
}

@test "show: malformed lines and records with err, with their error" {
	run --separate-stderr emv-show "$DATA/show-bad.rec"
	[ "$status" -eq 1 ]
	diff <(printf '%s\n' "$output") "$DATA/show-bad-show.out"
	[ "$stderr" = "emv-show: record b8 (line 11): 5F2D: bad-value: value is not uppercase hex of whole bytes" ]
	printf '%s\n' "$output" | grep -qx 'record b9 (line 12): error luhn'
}

@test "show: stdin, with no operand and with -" {
	run --separate-stderr sh -c 'emv-show <"$1"' sh "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$DATA/show-good.out"
	run --separate-stderr sh -c 'emv-show - <"$1"' sh "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$DATA/show-good.out"
}

@test "check: good records pass byte for byte" {
	run --separate-stderr emv-show -c "$DATA/show-good.rec"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	emv-show -c "$DATA/show-good.rec" | cmp - "$DATA/show-good.rec"
}

@test "check: bad records marked, one message each, none lost" {
	run --separate-stderr emv-show -c "$DATA/show-bad.rec"
	[ "$status" -eq 1 ]
	diff <(printf '%s\n' "$output") "$DATA/show-bad.out"
	diff <(printf '%s\n' "$stderr") "$DATA/show-bad.err"
	[ "$(printf '%s\n' "$output" | count_records)" -eq "$(count_records "$DATA/show-bad.rec")" ]
	# 15 records: one good, one already marked (luhn), 13 marked here.
	[ "$(printf '%s\n' "$output" | grep -c ' err=')" -eq 14 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 13 ]
}

@test "check: exact messages for length, format and TLV faults" {
	one "id=c1 5F24=27123101" -c
	[ "$status" -eq 1 ]
	[ "$output" = "id=c1 5F24=27123101 err=bad-length" ]
	[ "$stderr" = "emv-show: record c1 (line 1): 5F24: bad-length: 4 bytes, want 3" ]
	one "5F24=271231 82=39" -c
	[ "$status" -eq 1 ]
	[ "$output" = "5F24=271231 82=39 err=bad-length" ]
	[ "$stderr" = "emv-show: record 1 (line 1): 82: bad-length: 1 byte, want 2" ]
	one "id=c3 BF0C=9F4D030B0A01" -c
	[ "$output" = "id=c3 BF0C=9F4D030B0A01 err=bad-length" ]
	[ "$stderr" = "emv-show: record c3 (line 1): BF0C: bad-length: 9F4D: 3 bytes, want 2" ]
	one "id=c4 6F=8407A0000000031010A5" -c
	[ "$output" = "id=c4 6F=8407A0000000031010A5 err=bad-tlv" ]
	[ "$stderr" = "emv-show: record c4 (line 1): 6F: bad-tlv: truncated tag or length at byte 10" ]
}

@test "check: the first failing field is named; never the PAN" {
	one "id=c5 5A=${PAN}1A 5F24=27123101" -c
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-show: record c5 (line 1): 5A: bad-format: byte 9 is not BCD digits padded with F on the right" ]
	[[ "$stderr" != *"$PAN"* ]]
	one "id=c6 57=${PAN}D2712F" -c
	[ "$stderr" = "emv-show: record c6 (line 1): 57: bad-format: track 2: 4 digits after the separator, want expiry and service code (7)" ]
	[[ "$stderr" != *"$PAN"* ]]
}

@test "check: secret DGIs need a kek and whole blocks" {
	one "id=d1 DGI8000=00112233445566778899AABBCCDDEEFF" -c
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-show: record d1 (line 1): DGI8000: no-kek: encrypted DGI but no kek attribute" ]
	[[ "$stderr" != *00112233* ]]
	one "id=d2 kek=t DGI8010=00112233445566" -c
	[ "$stderr" = "emv-show: record d2 (line 1): DGI8010: bad-length: 7 bytes of ciphertext, not a multiple of 8" ]
	one "id=d3 kek=t DGI8010=0011223344556677" -c
	[ "$status" -eq 0 ]
	[ "$output" = "id=d3 kek=t DGI8010=0011223344556677" ]
}

@test "check: malformed lines passed on with the reader's code" {
	printf 'id=m1 5A=%s\nid=m2 5a=%s\n' "$PAN" "$PAN" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-show -c "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = "id=m1 5A=$PAN
id=m2 5a=$PAN err=bad-name" ]
	[ "$stderr" = "emv-show: record m2 (line 2): 5a: bad-name: not a tag, DGI or attribute name" ]
}

@test "check: a record already marked err passes untouched" {
	one "id=e1 err=luhn 5F24=99" -c
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "id=e1 err=luhn 5F24=99" ]
}

@test "usage: bad option, or -c with -u, exit 2" {
	run --separate-stderr emv-show -x
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: emv-show [-u] [file ...]"* ]]
	run --separate-stderr emv-show -c -u "$DATA/show-good.rec"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "errors: a missing file is reported, the others still read" {
	run --separate-stderr emv-show -c "$BATS_TEST_TMPDIR/none" "$DATA/show-good.rec"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-show: $BATS_TEST_TMPDIR/none: No such file or directory" ]
	diff <(printf '%s\n' "$output") "$DATA/show-good.rec"
}

@test "errors: a write error on stdout is fatal" {
	[ -w /dev/full ] || { echo "no /dev/full" >&2; false; }
	run --separate-stderr sh -c 'emv-show -c "$1" >/dev/full' sh "$DATA/show-good.rec"
	[ "$status" -eq 3 ]
	[[ "$stderr" == "emv-show: stdout: No space left on device" ]]
	run --separate-stderr sh -c 'emv-show "$1" >/dev/full' sh "$DATA/show-good.rec"
	[ "$status" -eq 3 ]
}
