#!/usr/bin/env bats
# emv-derive: ICC master keys from the issuer master keys (EMV Book 2
# A1.4), sealed under a KEK in DGI 8000, check values in DGI 9000.
load helper

# The test store's keys (tests/data/test-keys.txt) and the card keys of
# the public vectors (tests/vectors/README.md): none may appear in any
# stream, message or key store file.
IMK_AC=0123456789ABCDEFFEDCBA9876543210
IMK_SMI=FEDCBA98765432100123456789ABCDEF
IMK_SMC=89ABCDEF0123456776543210FEDCBA98
KEK2=DD7515F2BFC17F85CE48F3CA25CB21F6
KEK2_AES=88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6
# V8 (pyemv tests/test_cvn_hsm.py::test_visa_cvn10): PAN 1234567890123456, PSN 00.
MK_AC=154F349D8585CB7F6B0798E9839B10C1
MK_SMI=94F867167C64EF3EEAB0CB627A7A3480
MK_SMC=19296D4CD626859E8AADDF0B2AAB8FEA
# V1 (pyemv kd.py, __init__.py): IMK-AC above, 17-digit PANs.
A_17_01=73AD54688CEF2934B0979857E3C719F1	# 12345678901234567/01, Option A
B_17_01=AD406D7F6D7570916D75E5DCAB8CF737	# 12345678901234567/01, Option B
A_17_45=67F8292358083E5EA7AB7FDA58D53B6B	# 99012345678901234/45, Option A
B_17_45=985EC4FD3EDF6162E31AF1C7D0543416	# 99012345678901234/45, Option B
SECRETS=("$IMK_AC" "$IMK_SMI" "$IMK_SMC" "$KEK2" "$KEK2_AES"
	"$MK_AC" "$MK_SMI" "$MK_SMC" "$A_17_01" "$B_17_01" "$A_17_45" "$B_17_45")

KEYS=(-a imk-ac -i imk-smi -c imk-smc)

setup() {
	make_test_store "$BATS_TEST_TMPDIR/ks"
	nrun=0
}

# Every file of the test (streams kept by keep, inputs, the key store),
# in upper and lower case, and each 8-byte half of every key (one ECB
# block), must be free of the secrets.  (bats fails a test on the
# status teardown returns, not on a failed command inside it.)
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

# d ARGS...: run emv-derive with ARGS.
d() {
	run --separate-stderr emv-derive "$@"
	keep
}

# one RECORD ARGS...: emv-derive ARGS on a file holding one record line.
one() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/in"
	shift
	d "$@" "$BATS_TEST_TMPDIR/in"
}

# field NAME LINE: the value of field NAME in a record line.
field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

hex2bin() {
	printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

bin2hex() {
	od -An -tx1 -v | tr -d ' \n' | tr a-f A-F
}

# ecb KEY DATA: two-key 3DES-ECB by the openssl command, independent of
# emvperso's code.
ecb() {
	hex2bin "$2" | openssl enc -des-ede -K "$1" -nopad | bin2hex
}

# unseal ALG KEY HEX: decrypt a DGI the way emvperso-record(5) says it is
# sealed: 3DES ECB, or AES CBC with a zero IV.
unseal() {
	case $1 in
	3des2) hex2bin "$3" | openssl enc -d -des-ede -K "$2" -nopad ;;
	aes256) hex2bin "$3" | openssl enc -d -aes-256-cbc -K "$2" \
	    -iv 00000000000000000000000000000000 -nopad ;;
	esac | bin2hex
}

kcv() {
	ecb "$1" 0000000000000000 | cut -c1-6
}

# parity HEX: odd parity on every byte.
parity() {
	local h=$1 o= i b x c
	for ((i = 0; i < ${#h}; i += 2)); do
		b=$((16#${h:i:2} & 0xFE))
		c=0
		for ((x = b; x; x >>= 1)); do c=$((c + (x & 1))); done
		((c % 2)) || b=$((b | 1))
		o+=$(printf %02X "$b")
	done
	printf '%s\n' "$o"
}

# ref_mk IMK PAN PSN [A]: the ICC master key by a second implementation
# of Book 2 A1.4 written here with the openssl command: Option B (Option
# A for up to 16 digits), or Option A for any length with A.
ref_mk() {
	local imk=$1 pan=$2 psn=$3 x y h dec
	x=$pan$psn
	if [ ${#pan} -le 16 ] || [ "${4:-}" = A ]; then
		y=$(printf '%016d' 0)$x
		y=${y: -16}
	else
		[ $((${#x} % 2)) -eq 0 ] || x=0$x
		h=$(hex2bin "$x" | openssl dgst -sha1 -r | cut -c1-40 | tr a-f A-F)
		dec=$(printf '%s' "$h" | tr -cd 0-9)
		dec=$dec$(printf '%s' "$h" | tr -cd A-F | tr A-F 0-5)
		y=${dec:0:16}
	fi
	parity "$(ecb "$imk" "$y$(printf '%s' "$y" | tr 0-9 FEDCBA9876)")"
}

@test "derive: the reference implementation of the tests agrees with the published vectors" {
	[ "$(ref_mk "$IMK_AC" 1234567890123456 00)" = "$MK_AC" ]
	[ "$(ref_mk "$IMK_SMI" 1234567890123456 00)" = "$MK_SMI" ]
	[ "$(ref_mk "$IMK_SMC" 1234567890123456 00)" = "$MK_SMC" ]
	[ "$(ref_mk "$IMK_AC" 12345678901234567 01 A)" = "$A_17_01" ]
	[ "$(ref_mk "$IMK_AC" 12345678901234567 01)" = "$B_17_01" ]
	[ "$(ref_mk "$IMK_AC" 99012345678901234 45 A)" = "$A_17_45" ]
	[ "$(ref_mk "$IMK_AC" 99012345678901234 45)" = "$B_17_45" ]
	# pyemv test_kd_hsm.py: a hash with fewer than 16 decimal digits.
	[ "$(kcv "$(ref_mk "$IMK_AC" 000000000000000005 23)" | cut -c1-4)" = DD73 ]
}

@test "derive: the sample batch gets keys, check values, kek and test=1, the rest untouched" {
	emv-import "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/imported"
	run --separate-stderr sh -c 'emv-import "$1" | emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek2' sh "$DATA/sample.csv"
	keep
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq "$(count_records "$BATS_TEST_TMPDIR/imported")" ]
	local i=0 in out pan psn keys
	while IFS= read -r in; do
		out=${lines[i]}
		i=$((i + 1))
		# The input line, then exactly the four fields the stage owns.
		[ "${out%% kek=*}" = "$in" ]
		[[ "$out" =~ \ kek=kek2\ DGI8000=[0-9A-F]{96}\ DGI9000=[0-9A-F]{18}\ test=1$ ]]
		pan=$(field 5A "$in")
		pan=${pan%F}
		psn=$(field 5F34 "$in")
		keys=$(unseal 3des2 "$KEK2" "$(field DGI8000 "$out")")
		[ "$keys" = "$(ref_mk "$IMK_AC" "$pan" "$psn")$(ref_mk "$IMK_SMI" "$pan" "$psn")$(ref_mk "$IMK_SMC" "$pan" "$psn")" ]
		[ "$(field DGI9000 "$out")" = "$(kcv "${keys:0:32}")$(kcv "${keys:32:32}")$(kcv "${keys:64:32}")" ]
	done <"$BATS_TEST_TMPDIR/imported"
	[ "$i" -eq "$(count_records "$BATS_TEST_TMPDIR/imported")" ]
	# The sample's 19-digit PAN went through Option B.
	grep -q ' 5A=4761739001010000015F ' "$BATS_TEST_TMPDIR/imported"
}

@test "derive: V8 end to end: DGI 8000 opens under kek2 to the published MK-AC, MK-SMI, MK-SMC" {
	one 'id=v8 5A=1234567890123456 5F34=00' "${KEYS[@]}" -k kek2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field kek "$output")" = kek2 ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "$output")")" = "$MK_AC$MK_SMI$MK_SMC" ]
	# DGI 9000: the check values, computed here by openssl; the vector
	# publishes their first two bytes.
	local kcvs
	kcvs=$(field DGI9000 "$output")
	[ "$kcvs" = "$(kcv "$MK_AC")$(kcv "$MK_SMI")$(kcv "$MK_SMC")" ]
	[[ "$kcvs" == BAB0??F010??B154?? ]]
	[ "$(field test "$output")" = 1 ]
	[ "${output%% kek=*}" = 'id=v8 5A=1234567890123456 5F34=00' ]
}

@test "derive: Option B for PANs of more than 16 digits, Option A with -A (V1)" {
	printf '%s\n' 'id=b1 5A=12345678901234567F 5F34=01' \
	    'id=b2 5A=99012345678901234F 5F34=45' >"$BATS_TEST_TMPDIR/in"
	d "${KEYS[@]}" -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[0]}")" | cut -c1-32)" = "$B_17_01" ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[1]}")" | cut -c1-32)" = "$B_17_45" ]
	local def=$output
	d "${KEYS[@]}" -k kek2 -B "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$def" ]
	d "${KEYS[@]}" -k kek2 -A "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[0]}")" | cut -c1-32)" = "$A_17_01" ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[1]}")" | cut -c1-32)" = "$A_17_45" ]
}

@test "derive: for PANs of up to 16 digits -A, -B and neither give the same keys" {
	emv-import "$DATA/sample.csv" | grep -v 5A=4761739001010000015F >"$BATS_TEST_TMPDIR/in"
	d "${KEYS[@]}" -k kek2 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	local def=$output
	d "${KEYS[@]}" -k kek2 -A "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$def" ]
	d "${KEYS[@]}" -k kek2 -B "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$def" ]
}

@test "derive: an AES KEK seals with AES-256-CBC, zero IV, no padding for 48 bytes" {
	one 'id=v8 5A=1234567890123456 5F34=00' "${KEYS[@]}" -k kek2-aes
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field kek "$output")" = kek2-aes ]
	[ "$(field DGI8000 "$output" | wc -c)" -eq 97 ]
	[ "$(unseal aes256 "$KEK2_AES" "$(field DGI8000 "$output")")" = "$MK_AC$MK_SMI$MK_SMC" ]
}

@test "derive: no 5F34 derives with PSN 00" {
	one 'id=p 5A=1234567890123456' "${KEYS[@]}" -k kek2
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "$output")")" = "$MK_AC$MK_SMI$MK_SMC" ]
}

@test "derive: a record already under the same KEK takes the keys, kek kept in place" {
	one 'id=k kek=kek2 5A=1234567890123456 5F34=00 DGI8010=00112233445566778899AABBCCDDEEFF' "${KEYS[@]}" -k kek2
	[ "$status" -eq 0 ]
	[[ "$output" == "id=k kek=kek2 5A=1234567890123456 5F34=00 DGI8010=00112233445566778899AABBCCDDEEFF DGI8000="* ]]
}

@test "derive: a live store's keys mark nothing test" {
	local live=$BATS_TEST_TMPDIR/live
	export EMVPERSO_LMK=$live.lmk
	emv-keys -K "$live" init >/dev/null
	emv-keys -K "$live" generate ac imk-ac 3des2 >/dev/null
	emv-keys -K "$live" generate smi imk-smi 3des2 >/dev/null
	emv-keys -K "$live" generate smc imk-smc 3des2 >/dev/null
	emv-keys -K "$live" generate tk kek aes128 >/dev/null
	one 'id=l 5A=4761739001010010 5F34=01' -K "$live" -a ac -i smi -c smc -k tk
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" =~ ^id=l\ 5A=4761739001010010\ 5F34=01\ kek=tk\ DGI8000=[0-9A-F]{96}\ DGI9000=[0-9A-F]{18}$ ]]
}

@test "derive: refused records: each reason, its message, err set, none lost" {
	d "${KEYS[@]}" -k kek2 "$DATA/derive-bad.rec"
	[ "$status" -eq 1 ]
	diff <(printf '%s\n' "$stderr") "$DATA/derive-bad.err"
	diff <(printf '%s\n' "$output") "$DATA/derive-bad.out"
	[ "$(printf '%s\n' "$output" | count_records)" -eq "$(count_records "$DATA/derive-bad.rec")" ]
}

@test "derive: PAN too short" {
	one 'id=s 5A=47617390010F 5F34=01' "${KEYS[@]}" -k kek2
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-derive: record s (line 1): 5A: pan-length: 11 digits, at least 12 needed" ]
	[ "$output" = 'id=s 5A=47617390010F 5F34=01 err=pan-length' ]
}

@test "derive: PAN not BCD" {
	one 'id=h 5A=4761739001010A10 5F34=01' "${KEYS[@]}" -k kek2
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-derive: record h (line 1): 5A: bad-pan: not BCD digits (an odd count padded with one F)" ]
	[ "$output" = 'id=h 5A=4761739001010A10 5F34=01 err=bad-pan' ]
}

@test "derive: a record with DGI 8000 already is refused, its keys never replaced" {
	one 'id=d 5A=1234567890123456 kek=kek2 DGI8000=00112233445566778899AABBCCDDEEFF' "${KEYS[@]}" -k kek2
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-derive: record d (line 1): DGI8000: dup-dgi: the record already has card keys" ]
	[ "$output" = 'id=d 5A=1234567890123456 kek=kek2 DGI8000=00112233445566778899AABBCCDDEEFF err=dup-dgi' ]
}

@test "derive: good and bad records mixed: order and count kept, the good ones derived" {
	printf '%s\n' '# batch' 'id=g1 5A=1234567890123456 5F34=00' 'id=b1 5A=1234' \
	    '' 'id=g2 5A=12345678901234567F 5F34=01' 'id=e err=luhn' >"$BATS_TEST_TMPDIR/in"
	d "${KEYS[@]}" -k kek2 <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-derive: record b1 (line 3): 5A: pan-length: 4 digits, at least 12 needed" ]
	[ "${#lines[@]}" -eq 5 ]	# bats drops the blank line from lines
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 6 ]
	[ "${lines[0]}" = '# batch' ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[1]}")")" = "$MK_AC$MK_SMI$MK_SMC" ]
	[ "${lines[2]}" = 'id=b1 5A=1234 err=pan-length' ]
	[ "$(unseal 3des2 "$KEK2" "$(field DGI8000 "${lines[3]}")" | cut -c1-32)" = "$B_17_01" ]
	[ "${lines[4]}" = 'id=e err=luhn' ]
}

@test "derive: stdin, - and a file operand give the same output" {
	emv-import "$DATA/sample.csv" >"$BATS_TEST_TMPDIR/in"
	d "${KEYS[@]}" -k kek2 "$BATS_TEST_TMPDIR/in"
	local want=$output
	d "${KEYS[@]}" -k kek2 - <"$BATS_TEST_TMPDIR/in"
	[ "$output" = "$want" ]
	d "${KEYS[@]}" -k kek2 <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "derive: a KEK that is no kek is fatal before any record" {
	one 'id=v8 5A=1234567890123456 5F34=00' "${KEYS[@]}" -k imk-ac
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key imk-ac: type imk-ac, -k needs a key of type kek" ]
	[ -z "$output" ]
	one 'id=v8 5A=1234567890123456 5F34=00' "${KEYS[@]}" -k kmc
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key kmc: type kmc, -k needs a key of type kek" ]
	[ -z "$output" ]
}

@test "derive: an IMK of the wrong type is fatal before any record" {
	one 'id=v8 5A=1234567890123456' -a imk-smi -i imk-smi -c imk-smc -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key imk-smi: type imk-smi, -a needs a key of type imk-ac" ]
	[ -z "$output" ]
	one 'id=v8 5A=1234567890123456' -a imk-ac -i kek2 -c imk-smc -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key kek2: type kek, -i needs a key of type imk-smi" ]
	[ -z "$output" ]
	one 'id=v8 5A=1234567890123456' -a imk-ac -i imk-smi -c imk-ac -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key imk-ac: type imk-ac, -c needs a key of type imk-smc" ]
	[ -z "$output" ]
}

@test "derive: a missing key is fatal before any record" {
	one 'id=v8 5A=1234567890123456' -a imk-ac -i imk-smi -c nosuch -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key nosuch: not found" ]
	[ -z "$output" ]
	one 'id=v8 5A=1234567890123456' "${KEYS[@]}" -k ../ks
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key ../ks: not a valid key name" ]
	[ -z "$output" ]
}

@test "derive: a store opened with the wrong LMK is fatal before any record" {
	head -c 32 /dev/urandom >"$BATS_TEST_TMPDIR/other.lmk"
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk one 'id=v8 5A=1234567890123456' "${KEYS[@]}" -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key store $BATS_TEST_TMPDIR/ks: wrong LMK or passphrase" ]
	[ -z "$output" ]
	one 'id=v8 5A=1234567890123456' -K "$BATS_TEST_TMPDIR/none" "${KEYS[@]}" -k kek2
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: key store $BATS_TEST_TMPDIR/none: No such file or directory" ]
	[ -z "$output" ]
}

@test "derive: an input that cannot be opened is fatal" {
	d "${KEYS[@]}" -k kek2 "$BATS_TEST_TMPDIR/missing"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-derive: $BATS_TEST_TMPDIR/missing: No such file or directory" ]
	[ -z "$output" ]
}

@test "derive: usage errors exit 2 with the usage line" {
	local u='usage: emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek [-A | -B] [-K dir] [file]'
	d
	[ "$status" -eq 2 ]
	[ "$stderr" = "$u" ]
	d "${KEYS[@]}"
	[ "$status" -eq 2 ]
	[ "$stderr" = "$u" ]
	d "${KEYS[@]}" -k kek2 -A -B
	[ "$status" -eq 2 ]
	[ "$stderr" = "$u" ]
	d "${KEYS[@]}" -k kek2 a b
	[ "$status" -eq 2 ]
	[ "$stderr" = "$u" ]
	[ -z "$output" ]
}
