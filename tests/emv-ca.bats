#!/usr/bin/env bats
# emv-ca: a test payment-system CA.  Every certificate it signs is checked
# here by the openssl command alone (tests/oda.bash): RSA recovery without
# padding, the fields of EMV 4.4 Book 2 table 6, SHA-1.  Every test ends by
# scanning its streams and store files for the LMK and for long hex
# outside the public fields.
load helper
load oda

CA=ca-A000000003-E1

setup() {
	cd "$BATS_TEST_TMPDIR"
	unset EMVPERSO_LMK EMVPERSO_KEYSTORE
	mkdir -p streams
	nrun=0
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk EMVPERSO_KEYSTORE=ts
	emv-keys init -t >/dev/null
}

teardown() {
	local bad=0 lmk f files
	files=$(find . -type f ! -name '*.lmk' ! -name '*.der' ! -name '*.cnf' ! -name '*.pem')
	for f in $(find . -name '*.lmk' -type f); do
		lmk=$(oda_hex <"$f")
		assert_no_secret "$lmk" $files || bad=1
	done
	oda_public_only $(find streams ts -type f) || bad=1
	return "$bad"
}

# c ARGS...: run emv-ca, keeping its streams for the scan.
c() {
	run --separate-stderr emv-ca "$@"
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"streams/$nrun.out"
	printf '%s\n' "$stderr" >"streams/$nrun.err"
}

# refused STATUS MESSAGE: exited STATUS, said "emv-ca: MESSAGE", wrote
# nothing on stdout.
refused() {
	[ "$status" -eq "$1" ]
	[ "$stderr" = "emv-ca: $2" ]
	[ "$output" = "" ]
}

# issuer NAME BITS BIN MMYY: an issuer key and its request in NAME.req.
issuer() {
	emv-keys generate "$1" issuer-rsa "rsa$2" >/dev/null
	emv-keys request "$1" -b "$3" -x "$4" >"$1.req"
}

# ---------------------------------------------------------------- the chain

@test "ca: a test CA and an issuer chain from scratch, checked by openssl" {
	c init A000000003 E1 1408 3 2049-12-31
	[ "$status" -eq 0 ]
	[ "$output" = "$CA ca-rsa rsa1408 - test" ]
	[ "$stderr" = "" ]
	[ "$(stat -c %a ts/$CA.key)" = 600 ] && [ "$(stat -c %a ts/$CA.ca)" = 600 ]
	grep -q "^rid=A000000003 9F22=E1 expiry=491231 mac=[0-9A-F]\{64\}$" ts/$CA.ca
	issuer iss 1152 476173 1230
	c sign $CA <iss.req
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	printf '%s\n' "$output" >iss.cert
	[ "$(count_records iss.cert)" -eq 1 ]
	[[ "$output" =~ ^key=iss\ bin=476173\ expiry=1230\ serial=000001\ 9F32=03\ test=1\ rid=A000000003\ 8F=E1\ 90=[0-9A-F]{352}\ 92=[0-9A-F]{8}$ ]]
	c export $CA
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >capk.txt
	[[ "$output" =~ ^rid=A000000003\ 9F22=E1\ modulus=[0-9A-F]{352}\ exponent=03\ expiry=491231\ checksum=[0-9A-F]{40}\ test=1$ ]]
	oda_capk_ok "$output"
	oda_check_issuer_cert capk.txt iss.cert iss.req
	run --separate-stderr emv-keys import -c iss -l capk.txt <iss.cert
	[ "$status" -eq 0 ]
	[ "$output" = "iss certified A000000003 E1 476173 1230 test" ]
}

@test "ca: exponent 65537, an issuer key as long as the CA key, a short one, a 1984-bit CA" {
	c init A000000004 E1 1024 65537 2040-01
	[ "$status" -eq 0 ]
	c init A000000025 E1 1984 3 12/45
	[ "$status" -eq 0 ]
	emv-ca export ca-A000000004-E1 >mc.txt
	emv-ca export ca-A000000025-E1 >ax.txt
	grep -q ' exponent=010001 expiry=400131 ' mc.txt
	grep -q ' expiry=451231 ' ax.txt
	# 1024 under 1024: a remainder of 36 bytes.
	issuer big 1024 541333 1239
	emv-ca sign ca-A000000004-E1 <big.req >big.cert
	[ "$(oda_val 92 big.cert | wc -c)" -eq 73 ]
	oda_check_issuer_cert mc.txt big.cert big.req
	# 1024 under 1984: BB padding, no remainder; a 3-digit BIN, -s.
	emv-keys generate small issuer-rsa rsa1024 -e 65537 >/dev/null
	emv-keys request small -b 374 -x 0645 -s 00A1B2 >small.req
	emv-ca sign ca-A000000025-E1 <small.req >small.cert
	! grep -q ' 92=' small.cert
	grep -q ' 9F32=010001 ' small.cert
	oda_check_issuer_cert ax.txt small.cert small.req
	cat mc.txt ax.txt >both.txt
	run emv-keys import -c big -l both.txt <big.cert
	[ "$output" = "big certified A000000004 E1 541333 1239 test" ]
	run emv-keys import -c small -l both.txt <small.cert
	[ "$output" = "small certified A000000025 E1 374 0645 test" ]
}

@test "ca: several requests in one stream; comments kept; a bad one marked, the rest signed" {
	emv-ca init A000000003 E1 1152 3 2049-12-31 >/dev/null
	issuer a 1024 476173 1230
	issuer b 1152 476174 1231
	issuer big 1408 476175 1231
	{ echo '# requests of the day'; cat a.req big.req b.req
	  sed 's/ bin=476173 / bin=47 /' a.req; } >all.req
	c sign $CA all.req
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-ca: record 2 (line 3): modulus: key-size: the issuer key (1408 bits) is longer than the CA key (1152 bits)
emv-ca: record 4 (line 5): bin: bad-bin: want the issuer identifier, 3 to 8 digits" ]
	printf '%s\n' "$output" >out
	[ "$(wc -l <out)" -eq 5 ]
	[ "$(sed -n 1p out)" = "# requests of the day" ]
	grep -q '^key=a .* 90=' out
	grep -q '^key=b .* 90=' out
	[ "$(sed -n 3p out)" = "$(cat big.req) err=key-size" ]
	[[ "$(sed -n 5p out)" == *" bin=47 "*" err=bad-bin" ]]
	! sed -n 5p out | grep -q ' 90='
	# A record already marked passes untouched.
	c sign $CA <<<"key=x err=earlier"
	[ "$status" -eq 0 ]
	[ "$output" = "key=x err=earlier" ]
	[ "$stderr" = "" ]
}

@test "ca: expired, late, malformed requests are refused with their field" {
	emv-ca init A000000003 E1 1408 3 2035-06-15 >/dev/null
	issuer iss 1152 476173 1230
	for t in "expiry=0120|expired|expiry: expired: 01/20 is past" \
	    "expiry=0735|after-ca|expiry: after-ca: 07/35 is after the CA key's expiry" \
	    "expiry=0635|after-ca|expiry: after-ca: 06/35 is after the CA key's expiry" \
	    "expiry=1330|bad-expiry|expiry: bad-expiry: want MMYY" \
	    "serial=00001|bad-serial|serial: bad-serial: want 6 hex digits" \
	    "9F32=05|bad-key|9F32: bad-key: exponent is not 3 or 65537" \
	    "modulus=00FF|bad-key|modulus: bad-key: modulus is not an RSA key of 512 to 1984 bits" \
	    "key=..|bad-request|key: bad-request: no issuer key name"; do
		IFS='|' read -r f code msg <<<"$t"
		sed -E "s/(^| )${f%%=*}=[^ ]*/\1$f/" iss.req >bad.req
		c sign $CA bad.req
		[ "$status" -eq 1 ]
		[ "$stderr" = "emv-ca: record 1 (line 1): $msg" ]
		[ "$output" = "$(cat bad.req) err=$code" ]
	done
	sed -E 's/ bin=[0-9]+//' iss.req >bad.req
	c sign $CA bad.req
	[ "$stderr" = "emv-ca: record 1 (line 1): bin: bad-bin: want the issuer identifier, 3 to 8 digits" ]
	# 05/35 ends before the CA key (2035-06-15): signed.
	sed -E 's/ expiry=1230/ expiry=0535/' iss.req >ok.req
	c sign $CA ok.req
	[ "$status" -eq 0 ]
}

# ---------------------------------------------------------------- refusals

@test "ca: init is refused on a live store, nothing made" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/live.lmk
	emv-keys -K live init >/dev/null
	c -K live init A000000003 E1 1408 3 2049-12-31
	refused 3 "key store live: not a test store: a test CA lives in a test store only"
	[ "$(ls live)" = store ]
	emv-keys -K live generate ca ca-rsa rsa1024 >/dev/null
	c -K live sign ca </dev/null
	refused 3 "key store live: not a test store: a test CA lives in a test store only"
	c -K live export ca
	refused 3 "key store live: not a test store: a test CA lives in a test store only"
}

@test "ca: init operands are checked before anything is made" {
	for t in "A00000000 E1 1408 3 2049-12-31:A00000000: the RID is 10 uppercase hex digits" \
	    "a000000003 E1 1408 3 2049-12-31:a000000003: the RID is 10 uppercase hex digits" \
	    "A000000003 E 1408 3 2049-12-31:E: the index is 2 uppercase hex digits" \
	    "A000000003 E1 1000 3 2049-12-31:1000: a CA key is 1024 to 1984 bits, a multiple of 8" \
	    "A000000003 E1 2048 3 2049-12-31:2048: a CA key is 1024 to 1984 bits, a multiple of 8" \
	    "A000000003 E1 1412 3 2049-12-31:1412: a CA key is 1024 to 1984 bits, a multiple of 8" \
	    "A000000003 E1 1408 5 2049-12-31:5: the exponent is 3 or 65537" \
	    "A000000003 E1 1408 3 4912:4912: the expiry is a date: YYYY-MM-DD, YYMMDD, YYYY-MM or MM/YY" \
	    "A000000003 E1 1408 3 2049-13-01:2049-13-01: the expiry is a date: YYYY-MM-DD, YYMMDD, YYYY-MM or MM/YY" \
	    "A000000003 E1 1408 3 2020-01-01:2020-01-01: the expiry is past"; do
		c init ${t%%:*}
		refused 2 "${t#*:}"
	done
	[ "$(ls ts)" = store ]
}

@test "ca: init twice is refused; the first key is kept" {
	emv-ca init A000000003 E1 1024 3 2049-12-31 >/dev/null
	cp ts/$CA.key before
	c init A000000003 E1 1408 3 2049-12-31
	refused 1 "key $CA: already exists"
	cmp ts/$CA.key before
}

@test "ca: sign and export refuse what is not a CA of this tool" {
	emv-keys generate iss issuer-rsa rsa1024 >/dev/null
	emv-keys generate bare ca-rsa rsa1024 >/dev/null
	c sign iss </dev/null
	refused 3 "key iss: type issuer-rsa, not ca-rsa"
	c sign bare </dev/null
	refused 3 "key bare: no RID and index (not made by emv-ca init)"
	c sign nosuch </dev/null
	refused 3 "key nosuch: not found"
	emv-ca init A000000003 E1 1024 3 2049-12-31 >/dev/null
	c export $CA nosuch
	refused 3 "key nosuch: not found"
	c sign $CA missing.req
	refused 3 "missing.req: No such file or directory"
}

@test "ca: an altered or swapped ca file is refused" {
	emv-ca init A000000003 E1 1024 3 2049-12-31 >/dev/null
	emv-ca init A000000004 E1 1024 3 2049-12-31 >/dev/null
	cp ts/$CA.ca keep
	sed -i 's/9F22=E1/9F22=E2/' ts/$CA.ca
	c export $CA
	refused 3 "key $CA: ca file altered, or not of this store (its MAC does not verify)"
	cp ts/ca-A000000004-E1.ca ts/$CA.ca
	c sign $CA </dev/null
	refused 3 "key $CA: ca file altered, or not of this store (its MAC does not verify)"
	cp keep ts/$CA.ca
	c export $CA
	[ "$status" -eq 0 ]
}

@test "ca: usage errors exit 2 with the synopsis" {
	for args in "" "init" "init A000000003 E1 1408 3" "sign" "sign a b c" \
	    "export" "frob" "-Z export x"; do
		c $args </dev/null
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		[ "$(grep -c 'emv-ca \[-K dir\] \[-p fd\]' streams/$nrun.err)" -eq 3 ]
	done
}

# ---------------------------------------------------------------- the demo

@test "ca: pipelines/demo-ca.sh makes the demo's CAs and certified issuer keys" {
	run --separate-stderr sh "$TOP/pipelines/demo-ca.sh" "$BATS_TEST_TMPDIR/demo"
	[ "$status" -eq 0 ]
	[ "$output" = "demo-ca: test CAs A000000003 92 and A000000004 F1, issuer keys issuer-visa and issuer-mc; CA key list $BATS_TEST_TMPDIR/demo/capk.txt" ]
	[ "$stderr" = "" ]
	[ "$(count_records demo/capk.txt)" -eq 2 ]
	grep -q '^rid=A000000003 9F22=92 .* expiry=491231 checksum=[0-9A-F]* test=1$' demo/capk.txt
	grep -q '^rid=A000000004 9F22=F1 ' demo/capk.txt
	grep A000000003 demo/capk.txt >visa.txt
	grep A000000004 demo/capk.txt >mc.txt
	while read -r line; do oda_capk_ok "$line"; done <demo/capk.txt
	oda_check_issuer_cert visa.txt demo/issuer-visa.cert demo/issuer-visa.req
	oda_check_issuer_cert mc.txt demo/issuer-mc.cert demo/issuer-mc.req
	grep -q ' bin=541333 expiry=1249 ' demo/issuer-mc.req
	[ "$(emv-keys list | cut -d' ' -f1,2,3,6 | paste -sd,)" = "ca-A000000003-92 ca-rsa rsa1408 test,ca-A000000004-F1 ca-rsa rsa1408 test,issuer-mc issuer-rsa rsa1152 test,issuer-visa issuer-rsa rsa1152 test" ]
	[ -e ts/issuer-visa.cert ] && [ -e ts/issuer-mc.cert ]
	# Run again on the same store: refused, the keys kept.
	run --separate-stderr sh "$TOP/pipelines/demo-ca.sh" "$BATS_TEST_TMPDIR/demo"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-ca: key ca-A000000003-92: already exists" ]
}
