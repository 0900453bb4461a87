#!/usr/bin/env bats
# emv-icc: ICC key pairs, their certificates and the sealed private keys.
# The chain (test CAs, certified issuer keys, card records) is made once
# in setup_file (tests/data/icc-lib.bash); every certificate emv-icc
# writes is recovered and checked by openssl, every private key opened
# under the clear test KEK and checked against the certified modulus.
load helper
load oda
load data/icc-lib

setup_file() {
	load helper
	load oda
	load data/icc-lib
	cd "$BATS_FILE_TMPDIR"
	icc_chain "$BATS_FILE_TMPDIR"
	emv-icc records.txt >icc.txt 2>icc.err || true
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	D=$BATS_FILE_TMPDIR
	nrun=0
}

teardown() {
	icc_scan $(find "$BATS_TEST_TMPDIR" "$D" -type f ! -name '*.lmk')
}

# i ARGS...: run emv-icc, keeping its streams for the leak scan.
i() {
	run --separate-stderr emv-icc "$@"
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"run$nrun.out"
	printf '%s\n' "$stderr" >"run$nrun.err"
}

# nokey FILE: the records of FILE without the fields that depend on the
# key pair (the certificates, the records holding them, the sealed keys).
nokey() {
	sed -E 's/ (9F46|9F48|9F2D|9F2F|DGI0303|DGI0304|DGI0305|DGI0401|DGI0402|DGI8[0-9A-F]{3})=[0-9A-F]*//g' "$1"
}

# checkall FILE: every DDA or CDA card of FILE verifies.
checkall() {
	local id iss k=0
	for id in $(grep -v -e '^#' -e ' err=' "$1" | grep ' 9F46=' |
	    sed 's/^id=\([^ ]*\) .*/\1/'); do
		card "$id" "$1" c.rec
		iss=$(oda_val issuerkey c.rec)
		oda_check_issuer_cert "$D/capk-$(oda_val 8F c.rec).txt" c.rec "$D/$iss.req"
		icc_check_cert c.rec "$D/$iss.req"
		icc_check_crt c.rec "$(oda_val kek c.rec)" "$icc_mod" "$(oda_val 9F47 c.rec)"
		k=$((k + 1))
	done
	echo "$k"
}

# ------------------------------------------------------------- the chain

@test "icc: a batch of DDA and CDA cards; every certificate and key checked apart from emvperso" {
	[ "$(cat "$D/icc.err")" = "" ]
	[ "$(count_records "$D/icc.txt")" -eq 8 ]
	run checkall "$D/icc.txt"
	[ "$status" -eq 0 ]
	[ "$output" = 7 ]
	# C0001 in detail: the certificate in DGI0303, its remainder and
	# exponent in DGI0304, the issuer's in DGI0301 and DGI0302.
	card C0001 "$D/icc.txt" a.rec
	[ "$(oda_val 9F47 a.rec)" = 03 ]
	[ "$(oda_val DGI0303 a.rec)" = "7081949F468190$(oda_val 9F46 a.rec)" ]
	[ "$(oda_val DGI0304 a.rec)" = "70279F4701039F481A$(oda_val 9F48 a.rec)9F49039F3704" ]
	[ "$(oda_val DGI0301 a.rec)" = "700D8F01929F3201039204$(oda_val 92 a.rec)" ]
	[ "$(oda_val DGI0302 a.rec)" = "7081B39081B0$(oda_val 90 "$D/visa.cert")" ]
	[ "$(oda_val kek a.rec)" = kek2 ] && [ "$(oda_val test a.rec)" = 1 ]
	for k in 1 2 3 4 5; do
		[ "$(oda_val DGI820$k a.rec | wc -c)" -eq 129 ]
	done
	# The Mastercard CDA card: 1152 bits under the 1408-bit issuer key,
	# whose certificate holds 134 bytes of it: a remainder of 10.
	card C0006 "$D/icc.txt" m.rec
	[ "$(oda_val 8F m.rec)" = F1 ]
	[ "$(oda_val 9F48 m.rec | wc -c)" -eq 21 ]
	[ "$(oda_val DGI8201 m.rec | wc -c)" -eq 145 ]
	# No clear private key component in any stream or store file.
	p=$(icc_open kek2 "$(oda_val DGI8205 a.rec)")
	[ ${#p} -eq 128 ]
	assert_no_secret "$p" "$D/icc.txt" "$D/icc.err" $(find "$D/ks" -type f)
	# The SDA card goes through as it came.
	[ "$(grep '^id=C0003 ' "$D/icc.txt")" = "$(grep '^id=C0003 ' "$D/records.txt")" ]
}

@test "icc: several -k keys: each card takes the one of its BIN" {
	sed 's/ issuerkey=[a-z]*//' "$D/records.txt" >in.txt
	i -k mc -k visa in.txt
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	printf '%s\n' "$output" >out.txt
	sed -i 's/ 5A=4/ issuerkey=visa&/; s/ 5A=5/ issuerkey=mc&/' out.txt
	run checkall out.txt
	[ "$status" -eq 0 ]
	[ "$output" = 7 ]
	i -k mc in.txt
	[ "$status" -eq 1 ]
	[ "$(grep -c 'wrong-issuer: issuer certificate for 541333' <<<"$stderr")" -eq 4 ]
}

@test "icc: a byte flipped in an ODA record, a certificate or a sealed key fails the independent check" {
	card C0002 "$D/icc.txt" a.rec
	icc_check_cert a.rec "$D/visa.req"
	d=$(oda_val DGI0202 a.rec)
	sed "s/ DGI0202=$d/ DGI0202=$(oda_flip "$d" 20)/" a.rec >b.rec
	run icc_check_cert b.rec "$D/visa.req"
	[ "$status" -eq 1 ]
	[ "$output" = "hash does not match" ]
	c=$(oda_val 9F46 a.rec)
	sed "s/ 9F46=$c/ 9F46=$(oda_flip "$c" 60)/" a.rec >b.rec
	run icc_check_cert b.rec "$D/visa.req"
	[ "$status" -eq 1 ]
	d=$(oda_val DGI8205 a.rec)
	sed "s/ DGI8205=$d/ DGI8205=$(oda_flip "$d" 3)/" a.rec >b.rec
	run icc_check_crt b.rec kek2 "$icc_mod" 03
	[ "$status" -eq 1 ]
	[ "$output" = "CRT components wrong (1)" ]
}

@test "icc: -j 1 and -j 2 write the same records in the same order, each verifying" {
	# 40 visa cards (some with an error, comments between) from the sample.
	for n in 1 2 3 4 5 6 7 8 9 10; do
		echo "# batch $n"
		grep -e '^id=C0001 ' -e '^id=C0002 ' -e '^id=C0004 ' -e '^id=C0003 ' "$D/records.txt" |
		    sed "s/^id=C/id=B$n-C/"
	done >in.txt
	sed -i '7s/$/ err=earlier/; 20s/ 94=[0-9A-F]*//' in.txt
	i -j 1 in.txt
	[ "$status" -eq 1 ]
	cp "run$nrun.out" j1.txt
	e1=$stderr
	i -j 2 in.txt
	[ "$status" -eq 1 ]
	cp "run$nrun.out" j2.txt
	[ "$stderr" = "$e1" ]
	[ "$stderr" = "emv-icc: record B4-C0004 (line 20): 94: no-records: no AFL: the record has not been through emv-records" ]
	[ "$(wc -l <j2.txt)" -eq 50 ]
	[ "$(grep -c '^#' j2.txt)" -eq 10 ]
	[ "$(nokey j1.txt)" = "$(nokey j2.txt)" ]
	! cmp -s j1.txt j2.txt
	[ "$(sed -n 7p j2.txt)" = "$(sed -n 7p in.txt)" ]
	run checkall j2.txt
	[ "$status" -eq 0 ]
	[ "$output" = 28 ]
	i -j 7 in.txt
	[ "$(nokey "run$nrun.out")" = "$(nokey j1.txt)" ]
}

@test "icc: a PIN encipherment key (9F2D) when the layout places it; -n writes 8101 and 8103" {
	card C0004 "$D/records.txt" a.rec
	sed -i 's/ profile=visa-dda / profile=visa-pin /' a.rec
	emv-import "$TOP/tests/data/sample.csv" | grep '^id=C0004 ' |
	    sed 's/ profile=visa-dda / profile=visa-pin /' |
	    emv-profile -d "$D/profiles" |
	    emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek2 |
	    emv-track -v cvk | emv-records >p.rec
	i -k visa p.rec
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >a.rec
	icc_check_cert a.rec "$D/visa.req"
	icc_check_crt a.rec kek2 "$icc_mod" 03
	icc_check_cert a.rec "$D/visa.req" pin
	pin=$icc_mod
	icc_check_crt a.rec kek2 "$pin" 03 83
	[ "$(oda_val 9F2E a.rec)" = 03 ]
	[ "$(oda_val DGI0305 a.rec)" = "7081B19F2D8190$(oda_val 9F2D a.rec)9F2F1A$(oda_val 9F2F a.rec)" ]
	[[ "$(oda_val DGI0304 a.rec)" == *9F2E0103 ]]
	# Non-CRT: the ICC key in 8101 (d) and 8103 (n); no 8201-8205.
	card C0001 "$D/records.txt" b.rec
	i -n b.rec
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >b.rec
	icc_check_cert b.rec "$D/visa.req"
	icc_check_plain b.rec kek2 "$icc_mod" 03
	! grep -q ' DGI820' b.rec
}

@test "icc: exponent 65537, a key as long as the issuer's, an AES transport key from -e" {
	card C0001 "$D/records.txt" a.rec
	sed -i -e 's/ iccbits=1024 / iccbits=1152 /' -e 's/ iccexp=03 / iccexp=010001 /' \
	    -e 's/ kek=kek2//' a.rec
	i -e kek2-aes a.rec
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >b.rec
	[ "$(oda_val 9F47 b.rec)" = 010001 ]
	[ "$(oda_val kek b.rec)" = kek2-aes ]
	icc_check_cert b.rec "$D/visa.req"
	[ ${#icc_mod} -eq 288 ]
	icc_check_crt b.rec kek2-aes "$icc_mod" 010001
}

# ------------------------------------------------------------ the errors

@test "icc: record errors: each named, the record kept with err, the others signed" {
	card C0001 "$D/records.txt" a.rec
	card C0005 "$D/records.txt" m.rec
	{
		sed 's/ iccbits=1024 / iccbits=1160 /' a.rec
		sed 's/ kek=kek2//' a.rec
		sed 's/ 5F28=0840 / /' a.rec
		sed 's/ 5F24=281231 / 5F24=310131 /' a.rec
		sed 's/ 8F=92 / 8F=94 /' a.rec
		sed 's/ issuerkey=visa / issuerkey=mc /' a.rec
		sed 's/ issuerkey=visa / issuerkey=nosuch /' a.rec
		sed 's/ iccexp=03 / iccexp=05 /' a.rec
		cat m.rec
		grep '^id=C0001 ' "$D/icc.txt"
		sed 's/ layout=[^ ]*/ layout=0101:57,0301:9F46.9F47/' a.rec
	} >in.txt
	i in.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-icc: record C0001 (line 1): iccbits: icc-key-size: a 1160-bit key cannot be certified by the 1152-bit issuer key
emv-icc: record C0001 (line 2): kek: no-kek: the record names no transport key, and -e names none
emv-icc: record C0001 (line 3): 5F28: missing-tag: absent, and the layout puts it into ODA record DGI0201
emv-icc: record C0001 (line 4): 5F24: cert-expiry: the card expires 01/31, after its issuer certificate (12/30)
emv-icc: record C0001 (line 5): 8F: ca-index: the card names CA key 94, the issuer certificate is under CA key 92
emv-icc: record C0001 (line 6): 5A: wrong-issuer: issuer certificate for 541333: issuer identifier does not match the PAN
emv-icc: record C0001 (line 7): issuerkey: no-issuer-key: key nosuch: not found
emv-icc: record C0001 (line 8): iccexp: bad-param: want the exponent, 03 or 010001
emv-icc: record C0001 (line 10): 9F46: dup-key: the record has an ICC key already
emv-icc: record C0001 (line 11): 9F48: missing-tag: the certificate has a remainder and the layout has no record for it" ]
	printf '%s\n' "$output" >out.txt
	[ "$(count_records out.txt)" -eq 11 ]
	# Each failed record is its input line and err, the certificate of
	# line 11 placed before its remainder was found to have no room.
	for t in 1:icc-key-size 2:no-kek 3:missing-tag 4:cert-expiry 5:ca-index \
	    6:wrong-issuer 7:no-issuer-key 8:bad-param 10:dup-key; do
		[ "$(sed -n "${t%%:*}p" out.txt)" = "$(sed -n "${t%%:*}p" in.txt) err=${t#*:}" ]
	done
	[[ "$(sed -n 11p out.txt)" == *" 9F46="*" err=missing-tag" ]]
	! sed -n 11p out.txt | grep -q ' DGI8201='
	! grep -q ' DGI8201=.* err=' out.txt
	card C0005 out.txt m2.rec
	icc_check_cert m2.rec "$D/mc.req"
}

@test "icc: fatal before any record: unknown or wrong keys, no certificate, usage" {
	for t in "-k nosuch|key nosuch: not found" \
	    "-k kek2|key kek2: type kek, not issuer-rsa" \
	    "-e imk-ac|key imk-ac: type imk-ac, -e needs a key of type kek" \
	    "-e nosuch|key nosuch: not found"; do
		i ${t%%|*} "$D/records.txt"
		[ "$status" -eq 3 ]
		[ "$stderr" = "emv-icc: ${t#*|}" ]
		[ "$output" = "" ]
	done
	emv-keys generate bare issuer-rsa rsa1024 -e 3 >/dev/null
	i -k bare "$D/records.txt"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-icc: key bare: has no certificate (emv-keys import -c)" ]
	[ "$output" = "" ]
	i -j 0 "$D/records.txt"
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-icc: -j 0: too small (1 to 64)" ]
	i -x
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-icc: invalid option -- 'x'
usage: emv-icc [-n] [-e kek] [-j jobs] [-k issuer-key] [-K dir] [file]" ]
	[ "$output" = "" ]
}

# faked CMD...: CMD on 2020-06-01 (the sanitizer runtime then comes after
# libfaketime's: let it).
faked() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    faketime 2020-06-01 "$@"
}

@test "icc: an expired issuer certificate: fatal with -k, a record error when a record names it" {
	command -v faketime >/dev/null || { echo "faketime is missing (make check installs it)" >&2; false; }
	faked emv-keys generate old issuer-rsa rsa1024 -e 3 >/dev/null
	faked emv-keys request old -b 476173 -x 1220 >old.req
	faked emv-ca sign ca-A000000003-92 <old.req >old.cert
	faked emv-keys import -c old -l "$D/capk.txt" <old.cert >/dev/null
	i -k old "$D/records.txt"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-icc: key old: certificate does not verify: expired" ]
	[ "$output" = "" ]
	card C0001 "$D/records.txt" a.rec
	sed 's/ issuerkey=visa / issuerkey=old /' a.rec >b.rec
	i b.rec
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-icc: record C0001 (line 1): issuerkey: no-issuer-key: key old: certificate does not verify: expired" ]
	[ "$output" = "$(cat b.rec) err=no-issuer-key" ]
}
