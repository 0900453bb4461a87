#!/usr/bin/env bats
# emv-records: the card's records (DGIssrr) and AFL (94) from the layout.
load helper

PROFILES=$TOP/profiles
PANS=(4761739001010010 4761739001010119 4761739001010135 5413330089000005
	5413330089010012)
# Tags a later stage makes (cardrec_late_tag).
LATE=" 8F 90 92 93 9F2D 9F2E 9F2F 9F32 9F46 9F47 9F48 "

setup() {
	nrun=0
}

# No whole PAN in any diagnostic, no clear key of the test store in any
# file of the test (streams, key store).
teardown() {
	local f s leak=0 errs=() all=()
	while IFS= read -r f; do
		all+=("$f")
		case $f in *.err) errs+=("$f") ;; esac
	done < <(find "$BATS_TEST_TMPDIR" -type f)
	[ ${#all[@]} -gt 0 ] || return 0
	if [ ${#errs[@]} -gt 0 ]; then
		for s in "${PANS[@]}"; do
			assert_no_secret "$s" "${errs[@]}" || leak=1
		done
	fi
	while read -r s; do
		assert_no_secret "$s" "${all[@]}" || leak=1
		assert_no_secret "${s,,}" "${all[@]}" || leak=1
	done < <(awk '!/^#/ && NF == 4 { print $4 }' "$DATA/test-keys.txt")
	return $leak
}

keep() {
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/run$nrun.out"
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/run$nrun.err"
}

r() {
	run --separate-stderr emv-records "$@"
	keep
}

# The sample batch up to the profiles: import, tracks (test key store),
# profiles.
sample() {
	make_test_store "$BATS_TEST_TMPDIR/ks"
	emv-import "$DATA/sample.csv" | emv-track -v cvk |
		emv-profile -d "$PROFILES" >"$BATS_TEST_TMPDIR/in"
}

# afl_matches LINE: the AFL names exactly the record DGIs of the line,
# but for records that hold only tags a later stage makes (no DGI yet).
afl_matches() {
	local line=$1 afl f named=() dgis=() e sfi first last n t ok
	afl=$(tr ' ' '\n' <<<"$line" | sed -n 's/^94=//p')
	[ -n "$afl" ] || { echo "no 94"; return 1; }
	while [ -n "$afl" ]; do
		sfi=$((16#${afl:0:2} >> 3)) first=$((16#${afl:2:2}))
		last=$((16#${afl:4:2})) n=$((16#${afl:6:2}))
		[ "$n" -le $((last - first + 1)) ] || { echo "ODA count"; return 1; }
		for ((e = first; e <= last; e++)); do
			named+=("$(printf 'DGI%02X%02X' "$sfi" "$e")")
		done
		afl=${afl:8}
	done
	for f in $(tr ' ' '\n' <<<"$line" | sed -n 's/^\(DGI\(0[1-9A-F]\|1[0-9A-E]\)[0-9A-F][0-9A-F]\)=.*/\1/p'); do
		[[ " ${named[*]} " == *" $f "* ]] || { echo "$f not in the AFL"; return 1; }
		dgis+=("$f")
	done
	for f in "${named[@]}"; do
		[[ " ${dgis[*]} " == *" $f "* ]] && continue
		# No DGI: the layout's record must hold late tags only.
		e=$(tr ' ' '\n' <<<"$line" | sed -n 's/^layout=//p' | tr ',' '\n' |
			sed -n "s/^${f#DGI}o\{0,1\}://p")
		[ -n "$e" ] || { echo "$f in the AFL, not in the layout"; return 1; }
		for t in $(tr '.' ' ' <<<"${e//\?/}"); do
			[[ "$LATE" == *" $t "* ]] || { echo "$f lacks $t"; return 1; }
		done
	done
}

@test "records: the sample batch's records decode and match their AFL" {
	sample
	r "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(count_records "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	diff "$BATS_TEST_TMPDIR/run1.out" "$DATA/records-sample.out"
	emv-show -c "$BATS_TEST_TMPDIR/run1.out" >/dev/null
	while read -r line; do
		afl_matches "$line"
	done <"$BATS_TEST_TMPDIR/run1.out"
	# The Visa DDA layout: 3 AFL entries, the two ODA records in SFI 2.
	grep '^id=C0001 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' 94=080101001001020218010400 '
	grep '^id=C0005 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' 94=08010100100102011801020020010200 '
	# C0008 has no effective date: 5F25? may be absent.
	grep '^id=C0008 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' DGI0201=70..5A0A4761739001010000015F5F24032702285F280208405F340101'
}

@test "records: a record DGI is the 70 template of the layout's tags, in order" {
	printf '%s\n' 'id=a 82=3900 5F24=251231 5A=5413330089020094 5F34=46 5F25=040101 9F07=FF00 9F0D=FC50A00000 9F0E=0000000000 9F0F=F870A49800 layout=0101o:5A.5F24.5F25.5F34.9F07.9F0D.9F0E.9F0F' >"$BATS_TEST_TMPDIR/in"
	r "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# The record of a real card (tests/vectors/README.md).
	[[ "$output" == *" 94=08010101 DGI0101=70375A0854133300890200945F24032512315F25030401015F3401469F0702FF009F0D05FC50A000009F0E0500000000009F0F05F870A49800" ]]
}

@test "records: faults marked, records kept, order kept" {
	r "$DATA/records-bad.rec"
	[ "$status" -eq 1 ]
	diff "$BATS_TEST_TMPDIR/run1.err" "$DATA/records-bad.err"
	diff "$BATS_TEST_TMPDIR/run1.out" "$DATA/records-bad.out"
	[ "$(count_records "$BATS_TEST_TMPDIR/run1.out")" -eq "$(count_records "$DATA/records-bad.rec")" ]
	[ "$(grep -c ' err=' "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	# A failed record carries no DGI and no AFL.
	! grep ' err=' "$BATS_TEST_TMPDIR/run1.out" | grep -q -e ' 94=' -e ' DGI'
	# The good ones around them are built.
	grep -q '^id=good2 .* 94=58010201 DGI0B01=700A5A085413330089000005$' "$BATS_TEST_TMPDIR/run1.out"
}

@test "records: without the track stage, 57 is missing from every card" {
	emv-import "$DATA/sample.csv" | emv-profile -d "$PROFILES" >"$BATS_TEST_TMPDIR/in"
	r "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$(count_records "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	[ "$(grep -c ' err=missing-tag$' "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	[ "${#stderr_lines[@]}" -eq 8 ]
	[ "${stderr_lines[0]}" = "emv-records: record C0001 (line 1): 57: missing-tag: absent, and the layout puts it into DGI0101" ]
	[ "${stderr_lines[7]}" = "emv-records: record C0008 (line 8): 57: missing-tag: absent, and the layout puts it into DGI0101" ]
	diff "$BATS_TEST_TMPDIR/in" <(sed 's/ err=missing-tag$//' "$BATS_TEST_TMPDIR/run1.out")
}

@test "records: running it twice changes nothing" {
	sample
	emv-records "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/once"
	r "$BATS_TEST_TMPDIR/once"
	[ "$status" -eq 0 ]
	diff "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/run1.out"
}

@test "records: a field changed between runs rebuilds its record" {
	printf '%s\n' 'id=a 82=3900 5A=5413330089020094 5F24=251231 layout=0101o:5A.5F24' >"$BATS_TEST_TMPDIR/in"
	emv-records "$BATS_TEST_TMPDIR/in" | sed 's/ 5F24=251231/ 5F24=261231/' >"$BATS_TEST_TMPDIR/changed"
	r "$BATS_TEST_TMPDIR/changed"
	[ "$status" -eq 0 ]
	[ "$output" = "id=a 82=3900 5A=5413330089020094 5F24=261231 layout=0101o:5A.5F24 94=08010101 DGI0101=70105A0854133300890200945F2403261231" ]
}

@test "records: usage" {
	r -x
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-records: invalid option -- 'x'
usage: emv-records [file ...]" ]
	[ -z "$output" ]
}

@test "records: an input that cannot be opened" {
	printf '%s\n' 'id=a 82=3900 5A=5413330089020094 layout=0101o:5A' >"$BATS_TEST_TMPDIR/in"
	r "$BATS_TEST_TMPDIR/nofile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-records: $BATS_TEST_TMPDIR/nofile: No such file or directory" ]
	[ "$output" = "id=a 82=3900 5A=5413330089020094 layout=0101o:5A 94=08010101 DGI0101=700A5A085413330089020094" ]
}
