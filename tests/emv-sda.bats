#!/usr/bin/env bats
# emv-sda: signed static application data.  The chain (test CAs,
# certified issuer keys, card records) is made once in setup_file
# (tests/data/icc-lib.bash); every 93 emv-sda writes is recovered and
# checked by openssl over the static data rebuilt from the AFL.
load helper
load oda
load data/icc-lib

setup_file() {
	load helper
	load oda
	load data/icc-lib
	cd "$BATS_FILE_TMPDIR"
	icc_chain "$BATS_FILE_TMPDIR"
	# A Visa card that does both SDA and DDA: 93 in record 3 5.
	sed -e 's/^name=visa-dda/name=visa-both/' -e '$a record 3 5 93' \
	    -e 's/^fixed 82=3C00/fixed 82=7C00/' \
	    profiles/visa-dda.profile >profiles/visa-both.profile
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	D=$BATS_FILE_TMPDIR
	nrun=0
}

teardown() {
	icc_scan $(find "$BATS_TEST_TMPDIR" "$D" -type f ! -name '*.lmk')
}

# s ARGS...: run emv-sda, keeping its streams for the leak scan.
s() {
	run --separate-stderr emv-sda "$@"
	nrun=$((nrun + 1))
	printf '%s\n' "$output" >"run$nrun.out"
	printf '%s\n' "$stderr" >"run$nrun.err"
}

@test "sda: the SDA card signed and checked by openssl; the others unchanged; a rerun gives the same bytes" {
	s -k visa "$D/records.txt"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	printf '%s\n' "$output" >out.txt
	[ "$(count_records out.txt)" -eq 8 ]
	card C0003 out.txt a.rec
	icc_check_ssad a.rec "$D/visa.req"
	oda_check_issuer_cert "$D/capk-92.txt" a.rec "$D/visa.req"
	[ "$(oda_val DGI0303 a.rec)" = "708193938190$(oda_val 93 a.rec)" ]
	[ "$(oda_val DGI0302 a.rec)" = "7081B39081B0$(oda_val 90 "$D/visa.cert")" ]
	[ "$(oda_val DGI0301 a.rec)" = "700D8F01929F3201039204$(oda_val 92 "$D/visa.cert")" ]
	[ "$(oda_val test a.rec)" = 1 ]
	# No 9F45 is added: the card does not hold it, a terminal recovers it.
	! grep -q ' 9F45=' a.rec
	for id in C0001 C0002 C0004 C0005 C0006 C0007 C0008; do
		[ "$(grep "^id=$id " out.txt)" = "$(grep "^id=$id " "$D/records.txt")" ]
	done
	s "$D/records.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat out.txt)" ]
	# No issuerkey: of two -k keys, the one of the PAN's BIN signs.
	sed 's/ issuerkey=[a-z]*//' "$D/records.txt" >in.txt
	s -k mc -k visa in.txt
	[ "$status" -eq 0 ]
	[ "$(grep '^id=C0003 ' "run$nrun.out" | sed 's/.* 93=\([0-9A-F]*\).*/\1/')" = "$(oda_val 93 a.rec)" ]
}

@test "sda: the record's own 9F45 is the data authentication code; a flipped ODA byte fails" {
	card C0003 "$D/records.txt" a.rec
	sed -i 's/$/ 9F45=BEEF/' a.rec
	s a.rec
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >b.rec
	icc_check_ssad b.rec "$D/visa.req"
	d=$(oda_val DGI0201 b.rec)
	sed "s/ DGI0201=$d/ DGI0201=$(oda_flip "$d" 30)/" b.rec >c.rec
	run icc_check_ssad c.rec "$D/visa.req"
	[ "$status" -eq 1 ]
	[ "$output" = "hash does not match" ]
	sed 's/ 9F45=BEEF/ 9F45=BEEE/' b.rec >c.rec
	run icc_check_ssad c.rec "$D/visa.req"
	[ "$status" -eq 1 ]
	[ "$output" = "recovered 6A0301BEEF, want 6A0301BEEE" ]
}

@test "sda: a card with SDA and DDA: emv-icc then emv-sda, both signatures over the same data" {
	emv-import "$TOP/tests/data/sample.csv" | grep '^id=C0002 ' |
	    sed 's/ profile=visa-dda / profile=visa-both /' |
	    emv-profile -d "$D/profiles" |
	    emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek2 |
	    emv-track -v cvk | emv-records | emv-icc >a.rec
	s a.rec
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >b.rec
	icc_check_ssad b.rec "$D/visa.req"
	icc_check_cert b.rec "$D/visa.req"
	# emv-sda placed the issuer certificate emv-icc had placed: unchanged.
	[ "$(oda_val DGI0302 b.rec)" = "$(oda_val DGI0302 a.rec)" ]
	[ "$(sed 's/ 93=[0-9A-F]*//; s/ DGI0305=[0-9A-F]*//' b.rec)" = "$(cat a.rec)" ]
}

@test "sda: record errors: each named, the record kept with err" {
	card C0003 "$D/records.txt" a.rec
	{
		sed 's/ 94=[0-9A-F]*//' a.rec
		sed 's/ 5F24=281231 / 5F24=310131 /' a.rec
		sed 's/ 8F=92 / 8F=F1 /' a.rec
		sed 's/ issuerkey=visa / issuerkey=mc /' a.rec
		sed 's/ issuerkey=visa / issuerkey=nosuch /' a.rec
		sed "s/\$/ 90=$(oda_val 90 "$D/mc.cert")/" a.rec
		sed 's/$/ 9F45=12/' a.rec
		sed 's/ 5F28=0840 / 5F28=0841 /' a.rec
		sed 's/\.92?//' a.rec
		grep '^id=C0003 ' "$D/records.txt" | emv-sda
		sed 's/ 5A=[0-9A-F]*//' a.rec
	} >in.txt
	s in.txt
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-sda: record C0003 (line 1): 94: no-records: no AFL: the record has not been through emv-records
emv-sda: record C0003 (line 2): 5F24: cert-expiry: the card expires 01/31, after its issuer certificate (12/30)
emv-sda: record C0003 (line 3): 8F: ca-index: the card names CA key F1, the issuer certificate is under CA key 92
emv-sda: record C0003 (line 4): 5A: wrong-issuer: issuer certificate for 541333: issuer identifier does not match the PAN
emv-sda: record C0003 (line 5): issuerkey: no-issuer-key: key nosuch: not found
emv-sda: record C0003 (line 6): 90: issuer-mismatch: the record holds another issuer certificate
emv-sda: record C0003 (line 7): 9F45: bad-dac: want 2 bytes
emv-sda: record C0003 (line 8): DGI0201: stale-record: not the record its fields make (a field changed after emv-records)
emv-sda: record C0003 (line 9): 92: missing-tag: the certificate has a remainder and the layout has no record for it
emv-sda: record C0003 (line 10): 93: dup-signature: the record is signed already
emv-sda: record C0003 (line 11): 5A: no-pan: the record has no PAN" ]
	printf '%s\n' "$output" >out.txt
	[ "$(count_records out.txt)" -eq 11 ]
	for t in 1:no-records 2:cert-expiry 3:ca-index 4:wrong-issuer \
	    5:no-issuer-key 6:issuer-mismatch 7:bad-dac 8:stale-record \
	    10:dup-signature 11:no-pan; do
		[ "$(sed -n "${t%%:*}p" out.txt)" = "$(sed -n "${t%%:*}p" in.txt) err=${t#*:}" ]
	done
	[[ "$(sed -n 9p out.txt)" == *" 93="*" err=missing-tag" ]]
}

@test "sda: fatal before any record: unknown or wrong keys, usage" {
	for t in "-k nosuch|key nosuch: not found" \
	    "-k kek2|key kek2: type kek, not issuer-rsa"; do
		s ${t%%|*} "$D/records.txt"
		[ "$status" -eq 3 ]
		[ "$stderr" = "emv-sda: ${t#*|}" ]
		[ "$output" = "" ]
	done
	s -x
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-sda: invalid option -- 'x'
usage: emv-sda [-k issuer-key] [-K dir] [file]" ]
	s a b
	[ "$status" -eq 2 ]
}
