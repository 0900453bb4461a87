#!/usr/bin/env bats
# emv-profile: card product profiles merged into each record: data
# objects, parameter attributes and the record layout.
load helper

PROFILES=$TOP/profiles
# Every whole PAN of the inputs: no diagnostic may show one.
PANS=(4761739001010010 4761739001010119 4761739001010135 5413330089000005
	5413330089010012)

setup() {
	nrun=0
}

# Every stream the test kept must be free of whole PANs in diagnostics
# (stderr files) and of the clear keys of the test key store anywhere.
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
	done < <(awk '!/^#/ && NF == 4 { print $4 }' "$DATA/test-keys.txt")
	return $leak
}

keep() {
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/run$nrun.out"
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/run$nrun.err"
}

p() {
	run --separate-stderr emv-profile "$@"
	keep
}

# A profile file in the test's directory: mkprof NAME TEXT.
mkprof() {
	mkdir -p "$BATS_TEST_TMPDIR/prof"
	printf '%s' "$2" >"$BATS_TEST_TMPDIR/prof/$1.profile"
}

GOOD='oda=none
82=1800
record 1 1 5A
'

@test "profile: the sample batch gets its products" {
	emv-import "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/in"
	p -d "$PROFILES" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(count_records "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	diff "$BATS_TEST_TMPDIR/run1.out" "$DATA/profile-sample.out"
	# Every record has its product's parameters and layout.
	[ "$(grep -c ' layout=0101:57.5F20.9F1F?,0201o:' "$BATS_TEST_TMPDIR/run1.out")" -eq 8 ]
	grep '^id=C0001 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' 82=3C00 .* oda=dda cvn=18 iccbits=1024 iccexp=03 ptl=3 '
	grep '^id=C0003 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' 82=5C00 .* 8F=92 .* oda=sda cvn=10 ptl=3 layout='
	grep '^id=C0005 ' "$BATS_TEST_TMPDIR/run1.out" | grep -q ' 82=3900 .* 8F=F1 .* oda=cda cvn=20 iccbits=1152 '
	# The cardholder's own fields stay first and unchanged.
	diff <(cut -d' ' -f1-6 "$BATS_TEST_TMPDIR/in") <(cut -d' ' -f1-6 "$BATS_TEST_TMPDIR/run1.out")
	# And the result passes the dictionary checks.
	emv-show -c "$BATS_TEST_TMPDIR/run1.out" >/dev/null
}

@test "profile: every shipped profile loads, and each kind is there" {
	local f
	for f in "$PROFILES"/*.profile; do
		p -f "$f" </dev/null
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
	done
	for f in visa-sda visa-dda visa-cda mc-sda mc-dda mc-cda; do
		[ -f "$PROFILES/$f.profile" ]
	done
}

@test "profile: faults marked, records kept, order kept" {
	p -d "$PROFILES" "$DATA/profile-bad.rec"
	[ "$status" -eq 1 ]
	diff "$BATS_TEST_TMPDIR/run1.err" "$DATA/profile-bad.err"
	diff "$BATS_TEST_TMPDIR/run1.out" "$DATA/profile-bad.out"
	[ "$(count_records "$BATS_TEST_TMPDIR/run1.out")" -eq "$(count_records "$DATA/profile-bad.rec")" ]
	[ "$(grep -c ' err=' "$BATS_TEST_TMPDIR/run1.out")" -eq 7 ]
	# A failed record is written as it came in.
	grep -qx 'id=failed profile=visa-dda 5A=4761739001010010 err=luhn' "$BATS_TEST_TMPDIR/run1.out"
	grep -qx 'id=fixed profile=mc-cda 5A=5413330089000005 82=3800 err=fixed-tag' "$BATS_TEST_TMPDIR/run1.out"
	# The record wins over the profile, but for a fixed tag.
	grep '^id=wins ' "$BATS_TEST_TMPDIR/run1.out" | grep -q '^id=wins profile=visa-sda 5F28=0643 ptl=5 9F07=AB00 82=5C00 8F=92 4F=A0000000031010 '
	[ "$(grep '^id=wins ' "$BATS_TEST_TMPDIR/run1.out" | tr ' ' '\n' | grep -c '^ptl=')" -eq 1 ]
}

@test "profile: -p names the default product" {
	printf 'id=a 5A=4761739001010010\nid=b profile=mc-cda\n' >"$BATS_TEST_TMPDIR/in"
	p -d "$PROFILES" -p visa-sda "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "id=a 5A=4761739001010010 4F=A0000000031010 "*" oda=sda cvn=10 ptl=3 layout="* ]]
	[[ "${lines[1]}" == "id=b profile=mc-cda 4F=A0000000041010 "*" oda=cda "* ]]
}

@test "profile: -p with no such profile is fatal, nothing written" {
	printf 'id=a\n' >"$BATS_TEST_TMPDIR/in"
	p -d "$PROFILES" -p visa-gold "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: -p visa-gold: no such profile" ]
	[ -z "$output" ]
}

@test "profile: a profile with a syntax error is fatal with file and line" {
	mkprof bad "$GOOD"'icc-key-bits=1020
'
	printf 'id=a profile=bad\n' >"$BATS_TEST_TMPDIR/in"
	p -d "$BATS_TEST_TMPDIR/prof" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/bad.profile:4: icc-key-bits: 1020 is not a multiple of 8" ]
	[ -z "$output" ]
}

@test "profile: fatal profile errors name the file and line" {
	printf 'id=a profile=p\n' >"$BATS_TEST_TMPDIR/in"
	mkprof p "$GOOD"'record 1 2 oda 9F46
'
	p -f "$BATS_TEST_TMPDIR/prof/p.profile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/p.profile:4: record 1 2: 9F46 cannot be in ODA record 0102: a later stage makes it" ]
	[ -z "$output" ]
	mkprof p "$GOOD"'9F07=FF
'
	p -f "$BATS_TEST_TMPDIR/prof/p.profile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/p.profile:4: 9F07: 1 byte, want 2" ]
	[ -z "$output" ]
	mkprof p 'oda=sda
82=3900
record 1 1 oda 5A
'
	p -f "$BATS_TEST_TMPDIR/prof/p.profile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/p.profile: 82: oda=sda but the AIP does not say so" ]
	[ -z "$output" ]
	p -f "$BATS_TEST_TMPDIR/prof/none.profile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/none.profile: No such file or directory" ]
	[ -z "$output" ]
}

@test "profile: two profiles of one name are fatal" {
	mkprof a "$GOOD"
	mkprof b "name=a
$GOOD"
	p -d "$BATS_TEST_TMPDIR/prof" </dev/null
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/prof/b.profile: profile a is also in $BATS_TEST_TMPDIR/prof/a.profile" ]
	[ -z "$output" ]
}

@test "profile: a directory without profiles is fatal" {
	mkdir "$BATS_TEST_TMPDIR/empty"
	p -d "$BATS_TEST_TMPDIR/empty" </dev/null
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/empty: no *.profile files" ]
	[ -z "$output" ]
	p -d "$BATS_TEST_TMPDIR/nowhere" </dev/null
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/nowhere: No such file or directory" ]
}

@test "profile: EMVPERSO_PROFILES names the directory, -d and -f go together" {
	mkprof solo "$GOOD"
	printf 'id=a profile=solo 5A=4761739001010010\nid=b profile=visa-sda\n' >"$BATS_TEST_TMPDIR/in"
	EMVPERSO_PROFILES=$BATS_TEST_TMPDIR/prof p "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "id=a profile=solo 5A=4761739001010010 82=1800 oda=none layout=0101:5A" ]
	[ "${lines[1]}" = "id=b profile=visa-sda err=no-profile" ]
	[ "$stderr" = "emv-profile: record b (line 2): profile: no-profile: no profile visa-sda" ]
	EMVPERSO_PROFILES=/nowhere p -d "$PROFILES" -f "$BATS_TEST_TMPDIR/prof/solo.profile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = "id=a profile=solo 5A=4761739001010010 82=1800 oda=none layout=0101:5A" ]
}

@test "profile: running it twice changes nothing" {
	emv-import "$DATA/sample.csv" | emv-profile -d "$PROFILES" >"$BATS_TEST_TMPDIR/once"
	p -d "$PROFILES" "$BATS_TEST_TMPDIR/once"
	[ "$status" -eq 0 ]
	diff "$BATS_TEST_TMPDIR/once" "$BATS_TEST_TMPDIR/run1.out"
}

@test "profile: usage" {
	p -x
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-profile: invalid option -- 'x'
usage: emv-profile [-d dir] [-f profile] ... [-p name] [file ...]" ]
	[ -z "$output" ]
}

@test "profile: an input that cannot be opened" {
	printf 'id=a profile=visa-sda\n' >"$BATS_TEST_TMPDIR/in"
	p -d "$PROFILES" "$BATS_TEST_TMPDIR/nofile" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-profile: $BATS_TEST_TMPDIR/nofile: No such file or directory" ]
	[[ "$output" == "id=a profile=visa-sda 4F="* ]]
}
