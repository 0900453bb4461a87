#!/usr/bin/env bats
# emv-host: the issuer host: ARQC check by CVN, rules, ARC, ARPC, scripts.
load helper

IMK_AC=0123456789ABCDEFFEDCBA9876543210
IMK_SMI=FEDCBA98765432100123456789ABCDEF
IMK_SMC=89ABCDEF0123456776543210FEDCBA98
# V8 card keys (pyemv tests/test_cvn_hsm.py::test_visa_cvn10).
MK_AC=154F349D8585CB7F6B0798E9839B10C1
MK_SMI=94F867167C64EF3EEAB0CB627A7A3480
MK_SMC=19296D4CD626859E8AADDF0B2AAB8FEA
NEWPIN=918273
SECRETS=("$IMK_AC" "$IMK_SMI" "$IMK_SMC" "$MK_AC" "$MK_SMI" "$MK_SMC")

# The V8 request: PAN 1234567890123456, PSN 00, ATC 001C, its ARQC.
REQ=$(cat "$DATA/host-v8.rec")

setup() {
	make_test_store "$BATS_TEST_TMPDIR/ks"
	nrun=0
}

teardown() {
	local f s leak=0 files=()
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$BATS_TEST_TMPDIR" -type f ! -name pin)
	for s in "${SECRETS[@]}"; do
		for f in "$s" "${s,,}" "${s:0:16}" "${s:16}"; do
			assert_no_secret "$f" "${files[@]}" || leak=1
		done
	done
	assert_no_secret "$NEWPIN" "${files[@]}" || leak=1
	return $leak
}

keep() {
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/run$nrun.out"
	printf '%s\n' "$stderr" >"$BATS_TEST_TMPDIR/run$nrun.err"
}

# one RECORD ARGS...: emv-host ARGS on a file holding one record line.
one() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/in"
	shift
	run --separate-stderr emv-host "$@" "$BATS_TEST_TMPDIR/in"
	keep
}

field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

@test "V8 Visa CVN 10: the ARQC checks, ARPC method 1 with ARC 3030" {
	one "$REQ" -a imk-ac
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "$REQ 8A=3030 91=28993816AFAE4AEB3030 host=approve reason=ok test=1" ]
}

@test "V8: APPLICATION UNBLOCK script in 72 with the published MAC" {
	one "$REQ script=unblock" -a imk-ac -i imk-smi
	[ "$status" -eq 0 ]
	[ "$(field 72 "$output")" = 720F860D8418000008DB56BA60087CEFD3 ]
	[ "$(field host "$output")" = approve ]
}

@test "V8: PIN change script (new PIN 9999) as pyemv asserts it" {
	printf '9999\n' >"$BATS_TEST_TMPDIR/pin"
	one "$REQ script=pin-change" -a imk-ac -i imk-smi -c imk-smc \
	    -P "$BATS_TEST_TMPDIR/pin"
	[ "$status" -eq 0 ]
	[ "$(field 72 "$output")" = 721F861D8424000218BB221AF527377A2811D2B6EBC396A9391A965A5CB2CE62DA ]
}

@test "a new PIN never appears in any stream" {
	printf '%s\n' "$NEWPIN" >"$BATS_TEST_TMPDIR/pin"
	one "$REQ script=pin-change,pin-unblock" -a imk-ac -i imk-smi \
	    -c imk-smc -P "$BATS_TEST_TMPDIR/pin"
	[ "$status" -eq 0 ]
	[[ "$(field 72 "$output")" == 72*8424000008* ]]
}

@test "a wrong ARQC declines with ARC 05 and no 91" {
	one "${REQ/9F26=29CCA15AE665FA2E/9F26=29CCA15AE665FA2F}" -a imk-ac
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$(field 8A "$output")" = 3035 ]
	[ "$(field 91 "$output")" = "" ]
	[ "$(field host "$output")" = decline ]
	[ "$(field reason "$output")" = arqc ]
}

@test "a TC in the request is not an authorisation request" {
	one "${REQ/9F27=80/9F27=40}" -a imk-ac
	[ "$status" -eq 0 ]
	[ "$(field reason "$output")" = not-arqc ]
	[ "$(field 8A "$output")" = 3035 ]
}

@test "an amount over -l declines with ARC 51 and an ARPC for it" {
	one "$REQ" -a imk-ac -l 3999
	[ "$status" -eq 0 ]
	[ "$(field reason "$output")" = limit ]
	[ "$(field 8A "$output")" = 3531 ]
	# ARPC (8 bytes) || ARC: the card checks it for the declining ARC.
	[[ "$(field 91 "$output")" =~ ^[0-9A-F]{16}3531$ ]]
	one "$REQ" -a imk-ac -l 4000
	[ "$(field host "$output")" = approve ]
}

@test "a blocked PAN declines with ARC 62 and an APPLICATION BLOCK in 71" {
	printf '# blocked\n1234567890123456\n' >"$BATS_TEST_TMPDIR/blocked"
	one "$REQ" -a imk-ac -i imk-smi -b "$BATS_TEST_TMPDIR/blocked"
	[ "$status" -eq 0 ]
	[ "$(field reason "$output")" = blocked ]
	[ "$(field 8A "$output")" = 3632 ]
	[[ "$(field 71 "$output")" == 710F860D841E000008* ]]
}

@test "PUT DATA of a limit goes in 72 with CLA 04" {
	one "$REQ putdata=9F14:05" -a imk-ac -i imk-smi
	[ "$status" -eq 0 ]
	[[ "$(field 72 "$output")" == 7210860E04DA9F140905* ]]
}

@test "a CVN not in the registry declines" {
	one "${REQ/9F10=06010A03A06010/9F10=06013303A06010}" -a imk-ac
	[ "$status" -eq 0 ]
	[ "$(field reason "$output")" = cvn ]
	[ "$(field 91 "$output")" = "" ]
}

@test "a request without 9F26 is marked err=bad-request" {
	one "${REQ/9F26=29CCA15AE665FA2E /}" -a imk-ac
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-host: record v8 (line 1): 9F26: bad-request: missing" ]
	[ "$output" = "${REQ/9F26=29CCA15AE665FA2E /} err=bad-request" ]
}

@test "a wrong-length ATC is marked, the next record still answered" {
	printf '%s\n%s\n' "${REQ/9F36=001C/9F36=1C}" "$REQ" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-host -a imk-ac "$BATS_TEST_TMPDIR/in"
	keep
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-host: record v8 (line 1): 9F36: bad-request: wrong length" ]
	[ "$(count_records <<<"$output")" -eq 2 ]
	[[ "${lines[0]}" == *" err=bad-request" ]]
	[[ "${lines[1]}" == *" host=approve reason=ok test=1" ]]
}

@test "scripts without -i are refused per record" {
	one "$REQ script=block" -a imk-ac
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-host: record v8 (line 1): script: no-script-key: scripts need -i imk-smi" ]
	[ "$output" = "$REQ script=block err=no-script-key" ]
}

@test "an unknown script word is refused" {
	one "$REQ script=reboot" -a imk-ac -i imk-smi
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-host: record v8 (line 1): script: bad-script: unknown script command" ]
	[ "$output" = "$REQ script=reboot err=bad-script" ]
}

@test "usage: -a is required" {
	one "$REQ"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: emv-host -a imk-ac "* ]]
	[ "$output" = "" ]
}

@test "a missing key is fatal before any record" {
	one "$REQ" -a nosuch
	[ "$status" -eq 3 ]
	[[ "$stderr" == "emv-host: "*nosuch* ]]
	[ "$output" = "" ]
}

@test "a key of the wrong type is fatal" {
	one "$REQ" -a imk-smi
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-host: key imk-smi: type imk-smi, -a needs a key of type imk-ac" ]
	[ "$output" = "" ]
}

@test "answers each request at once (co-process use)" {
	local pid
	coproc emv-host -a imk-ac
	pid=$COPROC_PID
	printf '%s\n' "$REQ" >&"${COPROC[1]}"
	read -r -t 10 line <&"${COPROC[0]}"
	exec {COPROC[1]}>&-
	wait "$pid"
	[[ "$line" == *" 8A=3030 91=28993816AFAE4AEB3030 host=approve reason=ok test=1" ]]
}
