#!/usr/bin/env bats
# emv-track: magnetic stripe tracks, the chip's track data (57, 9F1F), the
# CVV2 and the embossing lines, with CVVs under a CVK.
load helper

# The CVKs of the test store (tests/data/test-keys.txt): neither they nor
# their halves may appear in any stream, message or key store file.
CVK=0123456789ABCDEFFEDCBA9876543210
CVK_JPOS=12345678123456781234567812345678
SECRETS=("$CVK" "$CVK_JPOS")

NAME=444F452F4A4F484E	# DOE/JOHN
# The classic public vector: PAN 4123456789012345, 8701, service code 101.
VEC="id=v1 5A=4123456789012345 5F24=870131 5F30=0101 5F20=$NAME"

setup() {
	make_test_store "$BATS_TEST_TMPDIR/ks"
	nrun=0
}

# Every file of the test (streams kept by keep, inputs, the key store),
# in upper and lower case, and each 8-byte half of every key, must be free
# of the keys.
teardown() {
	local f s leak=0 files=()
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$BATS_TEST_TMPDIR" -type f)
	for s in "${SECRETS[@]}"; do
		for f in "$s" "${s,,}" "${s:0:16}" "${s:16}"; do
			assert_no_secret "$f" "${files[@]}" || leak=1
		done
	done
	return $leak
}

# keep: save the last run's stdout and stderr for the leak scan.
keep() {
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/run$nrun.out"
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/run$nrun.err"
}

# t ARGS...: run emv-track with ARGS.
t() {
	run --separate-stderr emv-track "$@"
	keep
}

# one RECORD ARGS...: run emv-track ARGS on one record line.
one() {
	local rec=$1
	shift
	printf '%s\n' "$rec" >"$BATS_TEST_TMPDIR/in"
	t "$@" "$BATS_TEST_TMPDIR/in"
}

# attr NAME: the value of attribute NAME of the one output record.
attr() {
	printf '%s\n' "$output" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# fails RECORD CODE FIELD REASON [ARGS...]: emv-track -v cvk ARGS on
# RECORD marks it err=CODE, unchanged otherwise, says exactly "FIELD:
# CODE: REASON" about it, and exits 1.
fails() {
	local rec=$1 code=$2 field=$3 reason=$4
	shift 4
	one "$rec" -v cvk "$@"
	local id=${rec#id=}
	id=${id%% *}
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-track: record $id (line 1): $field: $code: $reason" ]
	[ "$output" = "$rec err=$code" ]
}

@test "track: the sample batch gives the expected records" {
	t -v cvk "$DATA/track-sample.rec"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$DATA/track-sample.out"
}

@test "track: in a pipeline from emv-import, records out equal records in" {
	run --separate-stderr sh -c 'emv-import "$1" | emv-track -v cvk' sh "$DATA/sample.csv"
	keep
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 8 ]
	# Every record has every field, and is a test card.
	for f in 57 9F1F track1 track2 cvv2 emboss1 emboss2 emboss3 test; do
		[ "$(printf '%s\n' "$output" | grep -c " $f=")" -eq 8 ]
	done
	[ "$(printf '%s\n' "$output" | grep -c ' test=1$')" -eq 8 ]
}

@test "track: the public CVV vector end to end (CVV 561 in both tracks)" {
	one "$VEC" -v cvk
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(attr track2)" = ";4123456789012345=870110100000561?" ]
	[ "$(attr track1)" = "%25B4123456789012345^DOE/JOHN^870110100000561?" ]
	[ "$(attr emboss1)" = "4123%204567%208901%202345" ]
	[ "$(attr emboss2)" = "01/87" ]
	[ "$(attr emboss3)" = "JOHN%20DOE" ]
	# 57: the same PAN, expiry and service code, another value (iCVV).
	[[ "$(attr 57)" == 4123456789012345D870110100000??? ]]
	[[ "$(attr 57)" != *561 ]]
	[ "$output" = "$VEC 57=$(attr 57) 9F1F=$(attr 9F1F) track1=$(attr track1) track2=$(attr track2) cvv2=$(attr cvv2) emboss1=$(attr emboss1) emboss2=$(attr emboss2) emboss3=$(attr emboss3) test=1" ]
}

@test "track: the published CVVs of 13 and 16-digit PANs, end to end" {
	t -v cvk "$DATA/track-vectors.rec"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	want=(
		cn13-1 4123456789012 8701101 370
		cn13-2 4999988887777 9105111 649
		cn13-3 4666655554444 9206120 821
		cn13-4 4333322221111 9307141 697
		cn16-1 4123456789012345 8701101 561
		cn16-2 4999988887777000 9105111 245
		cn16-3 4666655554444111 9206120 664
		cn16-4 4333322221111222 9307141 382
		psec 1234567890123456 9912220 170
	)
	for ((i = 0; i < ${#want[@]}; i += 4)); do
		printf '%s\n' "$output" | grep -q "^id=${want[i]} .* track2=;${want[i+1]}=${want[i+2]}00000${want[i+3]}? "
	done
	# Comments pass, records out equal records in.
	[ "$(printf '%s\n' "$output" | grep -c '^#')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 9 ]
	[ "$(printf '%s\n' "$output" | grep -c '^id=cn13-. 5A=[0-9]*F .* emboss1=[0-9]\{4\}%20[0-9]\{3\}%20[0-9]\{3\}%20[0-9]\{3\} ')" -eq 4 ]
}

@test "track: the CVV2 of the jPOS vector (service code 000) end to end" {
	one "id=j1 5A=123456789012 5F24=110831 5F30=0201 5F20=$NAME" -v cvk-jpos
	[ "$status" -eq 0 ]
	[ "$(attr cvv2)" = 204 ]
	# The CVV2 is only in cvv2: not in a track nor on stderr.
	[ -z "$stderr" ]
	[[ "$(attr track2)" != *204* ]]
	[[ "$(attr 57)" != *204* ]]
}

@test "track: the CVV2 of the sample batch is never on stderr nor in a track" {
	# Spoil two records, so that stderr has something to say.
	sed -e '/^id=C0002 /s/ 5F30=0201//' \
	    -e 's/^id=C0005 /id=C0005 track2=;5413330089000005=2712201? /' \
	    "$DATA/track-sample.rec" >"$BATS_TEST_TMPDIR/in"
	t -v cvk "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 8 ]
	[ "$(printf '%s\n' "$output" | grep -c ' cvv2=')" -eq 6 ]
	while read -r rec; do
		c=$(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n 's/^cvv2=//p')
		[ -n "$c" ] || continue
		[[ "$stderr" != *"$c"* ]]
		# The values in the tracks' CVV places (layout kpc: digits 6-8
		# of the discretionary data) are the CVV and the iCVV.
		t2=$(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n 's/^track2=;[0-9]*=//p')
		[ "${t2:12:3}" != "$c" ]
		t57=$(printf '%s\n' "$rec" | tr ' ' '\n' | sed -n 's/^57=[0-9]*D//p')
		[ "${t57:12:3}" != "$c" ]
	done <<<"$output"
}

@test "track: pvki and pvv go in the discretionary data before the CVV" {
	one "$VEC pvki=1 pvv=4380" -v cvk
	[ "$status" -eq 0 ]
	[ "$(attr track2)" = ";4123456789012345=870110114380561?" ]
	[[ "$(attr 57)" == 4123456789012345D87011011438???? ]]
	[ "$(attr 9F1F)" = "3134333830$(printf '%s' "$(attr 57 | cut -c30-32)" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" ]
}

@test "track: -d puts the CVV where the layout says" {
	one "$VEC pvki=1 pvv=4380" -v cvk -d c0kp9
	[ "$status" -eq 0 ]
	[ "$(attr track2)" = ";4123456789012345=87011015610143809?" ]
	one "$VEC" -v cvk -d c
	[ "$(attr track2)" = ";4123456789012345=8701101561?" ]
	# The chip's track data is F-padded to whole bytes.
	[[ "$(attr 57)" == 4123456789012345D8701101???F ]]
}

@test "track: a bad layout is a usage error" {
	for l in kp kpcc xc ""; do
		one "$VEC" -v cvk -d "$l"
		[ "$status" -eq 2 ]
		[ -z "$output" ]
		[ "${stderr%%$'\n'*}" = "emv-track: -d $l: a layout is k, p, c and digits, c once" ]
		[[ "$stderr" == *"usage: emv-track -v cvk [-n] [-d layout] [-K dir] [file]" ]]
	done
}

@test "track: -n builds no track 1 and takes records without a name" {
	one "id=n1 5A=4123456789012345 5F24=870131 5F30=0101" -v cvk -n
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(attr track2)" = ";4123456789012345=870110100000561?" ]
	[[ "$output" != *track1=* ]]
	[[ "$output" != *9F1F=* ]]
	[[ "$output" != *emboss3=* ]]
	one "$VEC" -v cvk -n
	[ "$status" -eq 0 ]
	[[ "$output" != *track1=* ]]
	[ "$(attr emboss3)" = "JOHN%20DOE" ]
}

@test "track: 15-digit and 19-digit PANs are embossed in their groups" {
	one "id=a1 5A=374245001751006F 5F24=290131 5F30=0201 5F20=$NAME" -v cvk
	[ "$status" -eq 0 ]
	[ "$(attr emboss1)" = "3742%20450017%2051006" ]
	one "id=m1 5A=4761739001010000015F 5F24=270228 5F30=0201 5F20=$NAME" -v cvk
	[ "$(attr emboss1)" = "4761%207390%200101%200000%20015" ]
	[[ "$(attr track2)" == ";4761739001010000015=270220100000"???"?" ]]
}

@test "track: track data that agrees is rebuilt in place; a second run changes nothing" {
	one "$VEC" -v cvk
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/once"
	t -v cvk "$BATS_TEST_TMPDIR/once"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	diff <(printf '%s\n' "$output") "$BATS_TEST_TMPDIR/once"
	# A 57 with other discretionary data but the same card is replaced.
	one "id=v1 57=4123456789012345D87011019999999F 5A=4123456789012345 5F24=870131 5F30=0101 5F20=$NAME" -v cvk
	[ "$status" -eq 0 ]
	[[ "$output" == "id=v1 57=4123456789012345D870110100000"* ]]
	[ "$(printf '%s\n' "$output" | grep -o ' 57=' | wc -l)" -eq 1 ]
}

@test "track: records with err, comments and blank lines pass untouched" {
	printf '# batch\n\nid=e1 5A=4123456789012345 err=luhn\n%s\n' "$VEC" >"$BATS_TEST_TMPDIR/in"
	t -v cvk "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "# batch" ]
	[ "$(printf '%s\n' "$output" | sed -n 2p)" = "" ]
	[ "$(printf '%s\n' "$output" | sed -n 3p)" = "id=e1 5A=4123456789012345 err=luhn" ]
	[[ "$(printf '%s\n' "$output" | sed -n 4p)" == "$VEC 57="* ]]
}

@test "track: stdin, with no operand and with -" {
	printf '%s\n' "$VEC" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr sh -c 'emv-track -v cvk <"$1"' sh "$BATS_TEST_TMPDIR/in"
	keep
	[ "$status" -eq 0 ]
	[[ "$output" == *" track2=;4123456789012345=870110100000561? "* ]]
	run --separate-stderr sh -c 'emv-track -v cvk - <"$1"' sh "$BATS_TEST_TMPDIR/in"
	keep
	[ "$status" -eq 0 ]
	[[ "$output" == *" track2=;4123456789012345=870110100000561? "* ]]
}

@test "track: missing fields" {
	fails "id=f1 5F24=870131 5F30=0101 5F20=$NAME" no-pan 5A "the record has no PAN"
	fails "id=f2 5A=4123456789012345 5F30=0101 5F20=$NAME" no-expiry 5F24 "the record has no expiry date"
	fails "id=f3 5A=4123456789012345 5F24=870131 5F20=$NAME" no-service-code 5F30 "the record has no service code"
	fails "id=f4 5A=4123456789012345 5F24=870131 5F30=0101" no-name 5F20 "track 1 needs the cardholder name (-n builds no track 1)"
}

@test "track: malformed fields" {
	fails "id=m1 5A=41234567F9012345 5F24=870131 5F30=0101 5F20=$NAME" pan 5A "not a PAN of 8-19 digits (cn)"
	fails "id=m2 5A=4123456F 5F24=870131 5F30=0101 5F20=$NAME" pan 5A "not a PAN of 8-19 digits (cn)"
	fails "id=m3 5A=4123456789012345 5F24=871331 5F30=0101 5F20=$NAME" expiry 5F24 "not a date YYMMDD"
	fails "id=m4 5A=4123456789012345 5F24=8701 5F30=0101 5F20=$NAME" expiry 5F24 "not a date YYMMDD"
	fails "id=m5 5A=4123456789012345 5F24=870131 5F30=1101 5F20=$NAME" service-code 5F30 "not a service code (n 3 in 2 bytes)"
	fails "id=m6 5A=4123456789012345 5F24=870131 5F30=010A 5F20=$NAME" service-code 5F30 "not a service code (n 3 in 2 bytes)"
}

@test "track: a name outside the track 1 character set" {
	# doe/john: lower case.
	fails "id=n1 5A=4123456789012345 5F24=870131 5F30=0101 5F20=646F652F6A6F686E" name 5F20 \
	    "character 1 (0x64) is not in the track 1 character set (20-5F without % ^ ?)"
	# DOE^JOHN: the field separator.
	fails "id=n2 5A=4123456789012345 5F24=870131 5F30=0101 5F20=444F455E4A4F484E" name 5F20 \
	    "character 4 (0x5E) is not in the track 1 character set (20-5F without % ^ ?)"
	fails "id=n3 5A=4123456789012345 5F24=870131 5F30=0101 5F20=44" name 5F20 "not 2-26 characters"
	# 27 characters.
	fails "id=n4 5A=4123456789012345 5F24=870131 5F30=0101 5F20=$(printf 'A%.0s' {1..27} | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" \
	    name 5F20 "not 2-26 characters"
	# Checked with -n too: the name is still embossed.
	fails "id=n5 5A=4123456789012345 5F24=870131 5F30=0101 5F20=646F652F6A6F686E" name 5F20 \
	    "character 1 (0x64) is not in the track 1 character set (20-5F without % ^ ?)" -n
}

@test "track: malformed pvki and pvv" {
	fails "$VEC pvki=1" pvv pvki "pvki and pvv go together"
	fails "$VEC pvv=4380" pvv pvv "pvki and pvv go together"
	fails "$VEC pvki=12 pvv=4380" pvv pvki "not 1 digit"
	fails "$VEC pvki=1 pvv=438" pvv pvv "not 4 digits"
	fails "$VEC pvki=1 pvv=43A0" pvv pvv "not 4 digits"
}

@test "track: track data on the record that disagrees with 5A, 5F24, 5F30, 5F20" {
	R="5A=4123456789012345 5F24=870131 5F30=0101 5F20=$NAME"
	fails "id=x1 57=4123456789012346D870110100000561 $R" track-mismatch 57 "PAN differs from 5A"
	fails "id=x2 57=4123456789012345D880110100000561 $R" track-mismatch 57 "expiry differs from 5F24"
	fails "id=x3 57=4123456789012345D870120100000561 $R" track-mismatch 57 "service code differs from 5F30"
	fails "id=x4 57=4123456789012345870110100000561F $R" track-mismatch 57 "not track data: no PAN and separator D"
	fails "id=x5 $R 9F6B=4123456789012345D870120100000561" track-mismatch 9F6B "service code differs from 5F30"
	fails "id=x6 $R track2=;4123456789012345=8801101?" track-mismatch track2 "expiry differs from 5F24"
	fails "id=x7 $R track1=%25B4123456789012345^ROE/JOHN^8701101?" track-mismatch track1 "name differs from 5F20"
	fails "id=x8 $R track1=%25B4123456789012345^DOE/JOHN?" track-mismatch track1 "not track data: no two ^ separators"
	fails "id=x9 $R track2=%ZZ" track-mismatch track2 "bad % escape"
	# Track 1 Data 56 (hex of the text): B PAN ^ DOE/JOHN ^ 8702 101.
	fails "id=x10 $R 56=$(printf 'B4123456789012345^DOE/JOHN^8702101' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)" \
	    track-mismatch 56 "expiry differs from 5F24"
}

@test "track: a track past its length limit" {
	# 19-digit PAN, and fill that makes track 2 41 characters with its LRC.
	fails "id=l1 5A=4761739001010000015F 5F24=270228 5F30=0201 5F20=$NAME" track-length track2 \
	    "track 2 would pass 40 characters" -n -d kpc000
	fails "id=l2 5A=4761739001010000015F 5F24=270228 5F30=0201 5F20=$NAME" track-length track2 \
	    "track 2 would pass 40 characters" -d kpc000
}

@test "track: the strip line of the man page leaves no card security data" {
	emv-import "$DATA/sample.csv" | emv-track -v cvk >"$BATS_TEST_TMPDIR/out"
	sed -E 's/ (cvv2|track[12]|emboss[0-9]+)=[^ ]*//g' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/chip"
	[ "$(count_records "$BATS_TEST_TMPDIR/chip")" -eq 8 ]
	! grep -Eq 'cvv2=|track[12]=|emboss[0-9]+=' "$BATS_TEST_TMPDIR/chip"
	[ "$(grep -c ' 57=.* 9F1F=' "$BATS_TEST_TMPDIR/chip")" -eq 8 ]
	run --separate-stderr emv-show -c "$BATS_TEST_TMPDIR/chip"
	[ "$status" -eq 0 ]
}

@test "track: a key that is not a CVK is fatal before any record" {
	one "$VEC" -v kek1
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-track: key kek1: a key of type kek may not be used for this" ]
	one "$VEC" -v imk-ac
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-track: key imk-ac: a key of type imk-ac may not be used for this" ]
}

@test "track: a missing key, a missing store and a missing input are fatal" {
	one "$VEC" -v nosuch
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == "emv-track: key nosuch: "* ]]
	one "$VEC" -v cvk -K "$BATS_TEST_TMPDIR/nostore"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == "emv-track: key store $BATS_TEST_TMPDIR/nostore: "* ]]
	t -v cvk "$BATS_TEST_TMPDIR/nofile"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "emv-track: $BATS_TEST_TMPDIR/nofile: No such file or directory" ]
}

@test "track: usage errors" {
	t
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: emv-track -v cvk [-n] [-d layout] [-K dir] [file]" ]
	t -v cvk a b
	[ "$status" -eq 2 ]
	t -x -v cvk
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "track: a live store's CVK does not mark records test=1" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/live.lmk
	emv-keys -K "$BATS_TEST_TMPDIR/live" init >/dev/null
	emv-keys -K "$BATS_TEST_TMPDIR/live" generate cvk cvk 3des2 >/dev/null
	one "$VEC" -v cvk -K "$BATS_TEST_TMPDIR/live"
	[ "$status" -eq 0 ]
	[[ "$output" != *test=* ]]
	[[ "$(attr track2)" == ";4123456789012345=870110100000"???"?" ]]
}
