#!/usr/bin/env bats
# emv-import: issuer cardholder files (CSV or fixed-width) to records.
load helper

HDR=id,pan,psn,name,expiry,effective,service_code,profile,pinblock
GOOD=C1,4761739001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65

# row CSV-ROW: run emv-import on the default header and one data row.
row() {
	printf '%s\n%s\n' "$HDR" "$1" >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
}

# fails CODE MESSAGE: the last run marked its one record err=CODE, said
# exactly MESSAGE on stderr, and exited 1.
fails() {
	[ "$status" -eq 1 ]
	[ "$stderr" = "$2" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 1 ]
	[[ "$output" == *" err=$1" ]]
}

@test "import: the sample CSV gives the expected records" {
	run --separate-stderr emv-import "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$DATA/import-sample.out"
}

@test "import: records out equal rows in for the sample" {
	emv-import "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/out"
	[ "$(count_records "$BATS_TEST_TMPDIR/out")" -eq "$(($(wc -l <"$DATA/sample.csv") - 1))" ]
}

@test "import: stdin, with no operand and with -" {
	run --separate-stderr sh -c 'emv-import <"$1"' sh "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$DATA/import-sample.out"
	run --separate-stderr sh -c 'emv-import - <"$1"' sh "$DATA/sample.csv"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "$output") "$DATA/import-sample.out"
}

@test "import: the fixed-width sample and its layout give the same records" {
	run --separate-stderr emv-import -l "$DATA/sample.layout" "$DATA/sample-fixed.txt"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$DATA/import-sample.out"
}

@test "import: fixed-width with CRLF lines, a short line and no id column" {
	printf 'pan 1 16\nexpiry 18 7\n' >"$BATS_TEST_TMPDIR/lo"
	printf '4761739001010010 2028-12 trailer\r\n\r\n5413330089000005 2028\r\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-import -p F- -l "$BATS_TEST_TMPDIR/lo" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$output" = "id=F-1 5A=4761739001010010 5F24=281231
id=F-2 err=fixed" ]
	[ "$stderr" = "emv-import: record F-2 (line 3): -: fixed: line is 21 bytes, the layout needs 24" ]
}

@test "import: CSV quoting: commas, doubled quotes, line breaks, CRLF, no final LF" {
	{
		printf 'id,pan,name,expiry,note\r\n'
		printf '"Q1","4761739001010010","DOE/JANE","2028-12","a, b"\r\n'
		printf 'Q2,5413330089000005,"O'"'"'NEIL/PAT",12/28,"say ""hi"""\r\n'
		printf '\r\n'
		printf 'Q3,4761739001010119,SMITH/J,2812,"two\r\nlines"\r\n'
		printf 'Q4,4761739001010135,,2028-12,'
	} >"$BATS_TEST_TMPDIR/in.csv"
	printf 'id id\npan 5A\nname 5F20\nexpiry 5F24\nnote note\n' >"$BATS_TEST_TMPDIR/map"
	run --separate-stderr emv-import -m "$BATS_TEST_TMPDIR/map" "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "id=Q1 5A=4761739001010010 5F20=444F452F4A414E45 5F24=281231 note=a,%20b
id=Q2 5A=5413330089000005 5F20=4F274E45494C2F504154 5F24=281231 note=say%20\"hi\"
id=Q3 5A=4761739001010119 5F20=534D4954482F4A 5F24=281231 note=two%0D%0Alines
id=Q4 5A=4761739001010135 5F24=281231" ]
}

@test "import: malformed CSV rows are marked csv and the run goes on" {
	{
		printf '%s\n' "$HDR"
		printf '%s\n' 'C1,"4761739001010010"x,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65'
		printf '%s\n' 'C2,47617"39001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65'
		printf '%s\n' 'C3,4761739001010010,01,DOE/JANE'
		printf '%s\n' "C4${GOOD#C1}"
		printf '%s\n' 'C5,"4761739001010010,01'
	} >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 1 ]
	[ "$output" = "id=1 err=csv
id=2 err=csv
id=3 err=csv
id=C4 profile=visa-dda 5A=4761739001010010 5F34=01 5F20=444F452F4A414E45 5F24=281231 5F25=240101 5F30=0201 pinblock=3F8A1C02B7E94D65
id=5 err=csv" ]
	[ "$stderr" = "emv-import: record 1 (line 2): -: csv: text after a closing quote
emv-import: record 2 (line 3): -: csv: quote inside an unquoted field
emv-import: record 3 (line 4): -: csv: 4 fields, the header has 9
emv-import: record 5 (line 6): -: csv: end of input inside a quoted field" ]
}

@test "import: a custom map renames columns, skips one and adds a tag" {
	printf 'card_number,seq_no,holder,valid_thru,customer,product,branch,country\n' >"$BATS_TEST_TMPDIR/in.csv"
	printf '5413330089000005,1,MUSTERMANN/ERIKA,12/2028,K-77,mc-cda,0042,0276\n' >>"$BATS_TEST_TMPDIR/in.csv"
	cat >"$BATS_TEST_TMPDIR/map" <<-'EOF'
	# bank.map
	card_number   5A
	seq_no        5F34
	holder        5F20
	valid_thru    5F24
	customer      id
	product       profile
	branch        -
	country       5F28	hex
	EOF
	run --separate-stderr emv-import -m "$BATS_TEST_TMPDIR/map" "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "id=K-77 5A=5413330089000005 5F34=01 5F20=4D55535445524D414E4E2F4552494B41 5F24=281231 profile=mc-cda 5F28=0276" ]
}

@test "import: unknown columns are fatal unless -i" {
	printf '%s,extra\n%s,x\n' "$HDR" "$GOOD" >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: unknown column extra (map it, or ignore it with -i)" ]
	run --separate-stderr emv-import -i "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "id=C1 profile=visa-dda 5A=4761739001010010 5F34=01 5F20=444F452F4A414E45 5F24=281231 5F25=240101 5F30=0201 pinblock=3F8A1C02B7E94D65" ]
}

@test "import: ids from the row number and -p when there is no id column" {
	printf 'pan,expiry\n4761739001010010,2812\n5413330089000005,2812\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	[ "$output" = "id=1 5A=4761739001010010 5F24=281231
id=2 5A=5413330089000005 5F24=281231" ]
	run --separate-stderr emv-import -p batch7- "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 0 ]
	[ "$output" = "id=batch7-1 5A=4761739001010010 5F24=281231
id=batch7-2 5A=5413330089000005 5F24=281231" ]
}

@test "import: the bad sample: every error, one record per row" {
	run --separate-stderr emv-import "$DATA/import-bad.csv"
	[ "$status" -eq 1 ]
	diff <(printf '%s\n' "$output") "$DATA/import-bad.out"
	diff <(printf '%s\n' "$stderr") "$DATA/import-bad.err"
	[ "$(printf '%s\n' "$output" | count_records)" -eq "$(($(wc -l <"$DATA/import-bad.csv") - 1))" ]
	for code in luhn pan-length pan-digits bad-date dates name missing csv dup-id psn service-code pinblock id; do
		printf '%s\n' "$output" | grep -q " err=$code\$"
	done
}

@test "import: luhn" {
	row C1,4111111111111112,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails luhn "emv-import: record C1 (line 2): 5A: luhn: check digit fails for 411111******1112"
	[[ "$output" != *"5A="* ]]
}

@test "import: pan-length" {
	row C1,47617390010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails pan-length "emv-import: record C1 (line 2): 5A: pan-length: 11 digits, a PAN has 12 to 19"
	row C1,47617390010100100000,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails pan-length "emv-import: record C1 (line 2): 5A: pan-length: 20 digits, a PAN has 12 to 19"
}

@test "import: pan-length passes a valid 13-digit PAN and F-pads it" {
	row C1,4222222222222,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	[ "$status" -eq 0 ]
	[[ "$output" == *" 5A=4222222222222F "* ]]
}

@test "import: pan-digits" {
	row "C1,4761 7390 0101 0010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65"
	fails pan-digits "emv-import: record C1 (line 2): 5A: pan-digits: character 5 is not a digit"
}

@test "import: bad-date, for each way a date is wrong" {
	row C1,4761739001010010,01,DOE/JANE,2027-02-29,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails bad-date "emv-import: record C1 (line 2): 5F24: bad-date: there is no day 29 in 2027-02"
	row C1,4761739001010010,01,DOE/JANE,13/28,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails bad-date "emv-import: record C1 (line 2): 5F24: bad-date: there is no month 13"
	row C1,4761739001010010,01,DOE/JANE,2028-12,2051-01,201,visa-dda,3F8A1C02B7E94D65
	fails bad-date "emv-import: record C1 (line 2): 5F25: bad-date: year 2051 is outside 1950-2049, which YYMMDD cannot hold"
	row C1,4761739001010010,01,DOE/JANE,12-2028,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails bad-date "emv-import: record C1 (line 2): 5F24: bad-date: not a date in a known form (YYYY-MM-DD, YYYY-MM, MM/YY, MM/YYYY, YYMMDD, YYMM)"
}

@test "import: dates: expiry must come after effective" {
	row C1,4761739001010010,01,DOE/JANE,2024-01,2024-01-31,201,visa-dda,3F8A1C02B7E94D65
	fails dates "emv-import: record C1 (line 2): 5F24: dates: expiry 2024-01-31 is not after effective 2024-01-31"
}

@test "import: name: charset, length, spaces" {
	row C1,4761739001010010,01,Doe/Jane,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails name "emv-import: record C1 (line 2): 5F20: name: character 2 (0x6F) is not one of A-Z 0-9 space ' - . /"
	row C1,4761739001010010,01,MÜLLER/JAN,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails name "emv-import: record C1 (line 2): 5F20: name: character 2 (0xC3) is not one of A-Z 0-9 space ' - . /"
	row C1,4761739001010010,01,X,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails name "emv-import: record C1 (line 2): 5F20: name: 1 characters, a name has 2 to 26"
	row C1,4761739001010010,01,ABCDEFGHIJKLMNOPQRSTUVWXYZA,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails name "emv-import: record C1 (line 2): 5F20: name: 27 characters, a name has 2 to 26"
	row "C1,4761739001010010,01,DOE/JANE ,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65"
	fails name "emv-import: record C1 (line 2): 5F20: name: begins or ends with a space"
}

@test "import: missing: an empty required value" {
	row C1,4761739001010010,01,DOE/JANE,,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails missing "emv-import: record C1 (line 2): 5F24: missing: column expiry is empty"
}

@test "import: an empty optional value leaves its field out" {
	row C1,4761739001010010,,,2028-12,,,,
	[ "$status" -eq 0 ]
	[ "$output" = "id=C1 5A=4761739001010010 5F24=281231" ]
}

@test "import: psn, service-code, pinblock" {
	row C1,4761739001010010,100,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails psn "emv-import: record C1 (line 2): 5F34: psn: not 1 or 2 digits (n 2)"
	row C1,4761739001010010,01,DOE/JANE,2028-12,2024-01,2O1,visa-dda,3F8A1C02B7E94D65
	fails service-code "emv-import: record C1 (line 2): 5F30: service-code: not 3 digits (n 3)"
	row C1,4761739001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D6
	fails pinblock "emv-import: record C1 (line 2): pinblock: pinblock: not 16 or 32 hex digits"
}

@test "import: id: invalid ids and an id that is the PAN fall back to the row number" {
	row "C 1,4761739001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65"
	fails id "emv-import: record 1 (line 2): id: id: not an id: 1 to 31 of A-Z a-z 0-9 . _ -"
	[[ "$output" == "id=1 "* ]]
	row 4761739001010010,4761739001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails id "emv-import: record 1 (line 2): id: id: the id must not be the PAN"
	[[ "$output" == "id=1 "* ]]
	row ,4761739001010010,01,DOE/JANE,2028-12,2024-01,201,visa-dda,3F8A1C02B7E94D65
	fails missing "emv-import: record 1 (line 2): id: missing: column id is empty"
}

@test "import: dup-id names the first line of the id" {
	printf '%s\n%s\n%s\n%s\n' "$HDR" "$GOOD" "C2${GOOD#C1}" "$GOOD" >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-import: record C1 (line 4): id: dup-id: id also on line 2" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c ' err=')" -eq 1 ]
	[[ "$(printf '%s\n' "$output" | sed -n 3p)" == "id=C1 "*" err=dup-id" ]]
}

@test "import: every fault of a row is reported, err holds the first" {
	row C1,4761739001010011,01,doe,2028-13,2024-01,201,visa-dda,3F8A1C02B7E94D65
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-import: record C1 (line 2): 5A: luhn: check digit fails for 476173******0011
emv-import: record C1 (line 2): 5F20: name: character 1 (0x64) is not one of A-Z 0-9 space ' - . /
emv-import: record C1 (line 2): 5F24: bad-date: there is no month 13" ]
	[ "$output" = "id=C1 profile=visa-dda 5F34=01 5F25=240101 5F30=0201 pinblock=3F8A1C02B7E94D65 err=luhn" ]
}

@test "import: header: no header row, empty or not a header" {
	: >"$BATS_TEST_TMPDIR/empty.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/empty.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/empty.csv: no header row" ]
	printf '%s\n' "$GOOD" >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: column 2 is not a column name (a letter, then letters, digits, '_', '-', '.'): is the header row missing?" ]
}

@test "import: header: a duplicate column, a missing required column, a BOM, bad CSV" {
	printf 'id,pan,expiry,pan\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: column pan appears twice" ]
	printf 'id,pan,name\nC1,4761739001010010,DOE/JANE\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: no column expiry, which 5F24 needs" ]
	printf 'pan,expiry,\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: column 3 has no name" ]
	printf '\357\273\277pan,expiry\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: header: starts with a byte order mark" ]
	printf 'pan,"expiry\n' >"$BATS_TEST_TMPDIR/in.csv"
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/in.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/in.csv: line 1: header: end of input inside a quoted field" ]
}

@test "import: bad map and layout files are fatal" {
	printf 'pan 5A\nname 5F20 words\n' >"$BATS_TEST_TMPDIR/map"
	run --separate-stderr emv-import -m "$BATS_TEST_TMPDIR/map" "$DATA/sample.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/map: line 2: unknown TYPE" ]
	printf 'pan 5A\n' >"$BATS_TEST_TMPDIR/map"
	run --separate-stderr emv-import -m "$BATS_TEST_TMPDIR/map" "$DATA/sample.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/map: no column maps to 5F24" ]
	printf 'pan 1 16\nexpiry 10 7\n' >"$BATS_TEST_TMPDIR/lo"
	run --separate-stderr emv-import -l "$BATS_TEST_TMPDIR/lo" "$DATA/sample-fixed.txt"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/lo: line 2: overlaps an earlier column" ]
	printf 'pan 1 16\nexp 17 7\n' >"$BATS_TEST_TMPDIR/lo"
	run --separate-stderr emv-import -l "$BATS_TEST_TMPDIR/lo" "$DATA/sample-fixed.txt"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/lo: unknown column exp (map it, or ignore it with -i)" ]
	run --separate-stderr emv-import -m "$BATS_TEST_TMPDIR/nonexistent" "$DATA/sample.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/nonexistent: No such file or directory" ]
}

@test "import: usage errors exit 2" {
	run --separate-stderr emv-import -x
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == *"usage: emv-import [-i] [-l layout] [-m map] [-p prefix] [file]" ]]
	run --separate-stderr emv-import "$DATA/sample.csv" "$DATA/sample.csv"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	run --separate-stderr emv-import -p 'a b' "$DATA/sample.csv"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "emv-import: -p: a prefix is up to 20 of A-Z a-z 0-9 . _ -"* ]]
	run --separate-stderr emv-import -l
	[ "$status" -eq 2 ]
}

@test "import: an input that cannot be opened is fatal" {
	run --separate-stderr emv-import "$BATS_TEST_TMPDIR/nonexistent.csv"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-import: $BATS_TEST_TMPDIR/nonexistent.csv: No such file or directory" ]
}

@test "import: a write error is fatal" {
	[ -w /dev/full ] || { echo "no /dev/full" >&2; false; }
	run --separate-stderr sh -c 'emv-import "$1" >/dev/full' sh "$DATA/sample.csv"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-import: stdout: No space left on device" ]
}

@test "import: no whole PAN and no PIN block on stderr" {
	emv-import "$DATA/sample.csv" 2>"$BATS_TEST_TMPDIR/err1" >/dev/null
	emv-import "$DATA/import-bad.csv" 2>"$BATS_TEST_TMPDIR/err2" >/dev/null || true
	# A header that is really a card row must not leak its PAN either.
	tail -n +2 "$DATA/sample.csv" | emv-import 2>"$BATS_TEST_TMPDIR/err3" >/dev/null || true
	[ -s "$BATS_TEST_TMPDIR/err2" ]
	[ -s "$BATS_TEST_TMPDIR/err3" ]
	for f in "$DATA/sample.csv" "$DATA/import-bad.csv"; do
		for secret in $(tail -n +2 "$f" | awk -F, '{ print $2; print $NF }' | tr -d '"'); do
			[ "${#secret}" -ge 12 ] || continue
			assert_no_secret "$secret" "$BATS_TEST_TMPDIR"/err*
		done
	done
}
