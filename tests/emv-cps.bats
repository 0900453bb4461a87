#!/usr/bin/env bats
# emv-cps: the EMV CPS personalization record, DGI by DGI, as a DGI map
# says (emvperso-dgimap(5)).  The input records are built by hand in
# tests/data/cps-sample.rec; the other stages are not run.
load helper

SAMPLE=$DATA/cps-sample.rec
VSDC=$TOP/maps/vsdc.map
MCHIP=$TOP/maps/mchip.map

# emv-cps opens no key store and holds no key; the test store's clear
# keys must still appear nowhere (the sealed DGIs of the sample are
# stand-ins for ciphertext, not these keys under anything).
SECRETS=()
while read -r _ _ _ hex; do
	case $hex in ''|'#'*) continue ;; esac
	SECRETS+=("$hex")
done < <(grep -v '^#' "$TOP/tests/data/test-keys.txt")

setup() {
	nrun=0
	# No key store, no LMK: emv-cps must not need them.
	export EMVPERSO_KEYSTORE=$BATS_TEST_TMPDIR/no-such-store
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/no-such-lmk
}

teardown() {
	local f s leak=0 files=()
	while IFS= read -r f; do
		files+=("$f")
	done < <(find "$BATS_TEST_TMPDIR" -type f)
	[ ${#files[@]} -gt 0 ] || return 0
	for s in "${SECRETS[@]}"; do
		for f in "$s" "${s,,}" "${s:0:16}" "${s:16}"; do
			[ -n "$f" ] || continue
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

c() {
	run --separate-stderr emv-cps "$@"
	keep
}

# card ID: the sample's input line of record ID.
card() {
	grep "^id=$1 " "$SAMPLE"
}

# one LINE ARGS...: emv-cps ARGS on a file holding the record LINE.
one() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/in"
	shift
	c "$@" "$BATS_TEST_TMPDIR/in"
}

# field NAME LINE: the value of field NAME in a record line.
field() {
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# names LINE: the field names of a record line, in order.
names() {
	printf '%s\n' "$1" | tr ' ' '\n' | cut -d= -f1 | paste -sd' '
}

# without NAME LINE: LINE without field NAME.
without() {
	printf '%s\n' "$2" | tr ' ' '\n' | grep -v "^$1=" | paste -sd' '
}

# map TEXT: a map file in the test directory; prints its path.
map() {
	printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/t.map"
	echo "$BATS_TEST_TMPDIR/t.map"
}

# fails LINE MESSAGE CODE ARGS...: emv-cps ARGS on LINE marks it CODE,
# says MESSAGE, and writes the line unchanged plus err=CODE.
fails() {
	local line=$1 msg=$2 code=$3
	shift 3
	one "$line" "$@"
	[ "$status" -eq 1 ]
	[ "$stderr" = "$msg" ]
	[ "$output" = "$line err=$code" ]
}

@test "usage: no map, two files, unknown option" {
	c
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: emv-cps -m map [-m map ...] [file]" ]
	[ -z "$output" ]
	c -m "$VSDC" "$SAMPLE" "$SAMPLE"
	[ "$status" -eq 2 ]
	[ "$stderr" = "usage: emv-cps -m map [-m map ...] [file]" ]
	[ -z "$output" ]
	c -x -m "$VSDC" "$SAMPLE"
	[ "$status" -eq 2 ]
	[ "${stderr##*$'\n'}" = "usage: emv-cps -m map [-m map ...] [file]" ]
	[ -z "$output" ]
}

@test "a map that cannot be opened or read is fatal before any record" {
	c -m "$BATS_TEST_TMPDIR/none.map" "$SAMPLE"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-cps: $BATS_TEST_TMPDIR/none.map: No such file or directory" ]
	[ -z "$output" ]
	m=$(map $'aid=A0000000031010\nDGI9104 tlv: 82 94\nDGI8000 from DGI8000')
	c -m "$VSDC" -m "$m" "$SAMPLE"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-cps: $m:3: DGI8000: DGIs 8000-8FFF are secret: say secret" ]
	[ -z "$output" ]
	m=$(map $'aid=A0000000031010\nDGI9000 from DGI9000\nDGI8000 from DGI8000 secret')
	c -m "$m" "$SAMPLE"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-cps: $m:2: DGI9000 must come after DGI8000 (line 3): the card checks the key check values against the keys" ]
	[ -z "$output" ]
}

@test "an input file that cannot be opened is fatal" {
	c -m "$VSDC" "$BATS_TEST_TMPDIR/none.rec"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-cps: $BATS_TEST_TMPDIR/none.rec: No such file or directory" ]
	[ -z "$output" ]
}

@test "the sample: every record, comments kept, no key store needed" {
	c -m "$VSDC" -m "$MCHIP" "$SAMPLE"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c '^#')" -eq "$(grep -c '^#' "$SAMPLE")" ]
	# The same through stdin and through "-".
	run --separate-stderr sh -c 'emv-cps -m "$1" -m "$2" <"$3"' sh "$VSDC" "$MCHIP" "$SAMPLE"
	keep
	[ "$status" -eq 0 ]
	first=$output
	run --separate-stderr sh -c 'emv-cps -m "$1" -m "$2" - <"$3"' sh "$VSDC" "$MCHIP" "$SAMPLE"
	keep
	[ "$output" = "$first" ]
	# The golden output (checked field by field by the tests below).
	[ "$output" = "$(cat "$DATA/cps-sample.out")" ]
}

@test "VSDC map: attributes first, then the DGIs in the map's order" {
	one "$(card C0001)" -m "$VSDC" -m "$MCHIP"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(names "$output")" = "id profile kek test aid cps DGI9104 DGI0101 DGI0201 DGI0301 DGI0302 DGI8000 DGI9000 DGI8010 DGI9010 DGI8201 DGI8202 DGI8203 DGI8204 DGI8205 DGI0D01 DGI0E01 DGI9102 DGI9200" ]
	[ "$(field aid "$output")" = A0000000031010 ]
	[ "$(field cps "$output")" = "9104,0101,0201,0301,0302,8000:e,9000,8010:e,9010,8201:eP,8202:eP,8203:eP,8204:eP,8205:eP,0D01,0E01,9102,9200" ]
	[ "$(field id "$output")" = C0001 ]
	[ "$(field kek "$output")" = kek2 ]
	[ "$(field test "$output")" = 1 ]
}

@test "M/Chip map: dual interface (9102 and 9103), E5 template, keys last" {
	one "$(card C0005)" -m "$VSDC" -m "$MCHIP"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field aid "$output")" = A0000000041010 ]
	[ "$(field cps "$output")" = "9102,9103,9104,0101,0201,0301,0302,0D01,8000:e,9000,8010:e,9010,8201:eP,8202:eP,8203:eP,8204:eP,8205:eP" ]
	# A5 { 50 "MasterCard", 87 01, 5F2D "ende", 9F12 "MasterCard" }
	a5=A523500A4D617374657243617264870101
	a5+=5F2D04656E6465
	a5+=9F120A4D617374657243617264
	[ "$(field DGI9102 "$output")" = "$a5" ]
	[ "$(field DGI9103 "$output")" = "$a5" ]
	[ "$(field DGI9104 "$output")" = 82023900940C080101001001010118010200 ]
	# E5 { 9F14 00, 9F23 00, 9F53 52 }
	[ "$(field DGI0D01 "$output")" = E50C9F1401009F2301009F530152 ]
}

@test "DGIs built from tags: 9104, 9102 (A5), 0D01, 0E01, 9200" {
	one "$(card C0001)" -m "$VSDC"
	[ "$status" -eq 0 ]
	# 82 02 AIP, 94 0C AFL (EMV CPS 9104, emv-facts 1.4)
	[ "$(field DGI9104 "$output")" = 82023C00940C080101001001010118010200 ]
	a5=A548
	a5+=500B5649534120435245444954		# 50 "VISA CREDIT"
	a5+=870101				# 87
	a5+=5F2D02656E				# 5F2D "en"
	a5+=9F38189F66049F02069F03069F1A0295055F2A029A039C019F3704
	a5+=9F120A56495341204352454449		# 9F12 "VISA CREDI"
	a5+=BF0C089F5A051108400840
	[ "$(field DGI9102 "$output")" = "$a5" ]
	[ "$(field DGI0D01 "$output")" = 9F1401039F230109 ]
	[ "$(field DGI0E01 "$output")" = 9F510208409F57020840 ]
	[ "$(field DGI9200 "$output")" = 9F100706010A03A00000 ]
}

@test "known answer: the A5 template of a real Visa FCI (tests/vectors/README.md)" {
	m=$(map $'aid=A0000000031010\nDGI9102 template A5: 50 87 5F2D 9F38 BF0C')
	one "id=V1 50=5649534120435245444954 87=01 5F2D=656E 9F38=9F66049F02069F03069F1A0295055F2A029A039C019F3704 BF0C=9F5A051108400840" -m "$m"
	[ "$status" -eq 0 ]
	[ "$output" = "id=V1 aid=A0000000031010 cps=9102 DGI9102=A53B500B56495341204352454449548701015F2D02656E9F38189F66049F02069F03069F1A0295055F2A029A039C019F3704BF0C089F5A051108400840" ]
}

@test "record and sealed DGIs go through byte for byte" {
	for id in C0001 C0003 C0005; do
		in=$(card $id)
		one "$in" -m "$VSDC" -m "$MCHIP"
		[ "$status" -eq 0 ]
		n=0
		for d in $(names "$in"); do
			case $d in DGI*) ;; *) continue ;; esac
			[ "$(field $d "$output")" = "$(field $d "$in")" ]
			n=$((n + 1))
		done
		[ $n -ge 7 ]
	done
	[ "$(field DGI9104 "$output")" = 82023900940C080101001001010118010200 ]
	one "$(card C0003)" -m "$VSDC"
	[ "$(field DGI9104 "$output")" = 82025C0094080801010010010201 ]
	# Two-key 3DES and AES ciphertexts alike: whole 8-byte blocks.
	aes=$(printf '%064d' 0 | tr 0 A)
	line=$(card C0001 | sed "s/ DGI8010=[0-9A-F]*/ DGI8010=$aes/")
	one "$line" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ "$(field DGI8010 "$output")" = "$aes" ]
}

@test "attributes other than id, profile, kek, test go; tags go into DGIs" {
	in=$(card C0001)
	for a in layout pvki pvv cvv2 track2; do
		[ -n "$(field $a "$in")" ]
	done
	one "$in" -m "$VSDC"
	[ "$status" -eq 0 ]
	for a in layout pvki pvv cvv2 track2 5A 57 5F20 82 94 50 9F10; do
		[ -z "$(field $a "$output")" ]
	done
	# The PAN only inside record 0201 and the track 2 image of 0101.
	[ "$(printf '%s\n' "$output" | tr ' ' '\n' | grep -c 4761739001010010)" -eq 2 ]
	# keep= keeps more.
	m=$(sed 's/^profile=visa-\*$/&\nkeep=carrier,pvki/' "$VSDC" >"$BATS_TEST_TMPDIR/k.map"; echo "$BATS_TEST_TMPDIR/k.map")
	one "$in carrier=B7" -m "$m"
	[ "$status" -eq 0 ]
	[ "$(names "$output" | cut -d' ' -f1-7)" = "id profile pvki kek test carrier aid" ]
	# iccbits is always kept: the device needs the clear length of the
	# RSA key parts.
	one "$in iccbits=1984" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ "$(names "$output" | cut -d' ' -f1-6)" = "id profile kek test iccbits aid" ]
	[ "$(field iccbits "$output")" = 1984 ]
}

@test "tr turns a card into DGIxxxx=hex lines, in personalization order" {
	c -m "$VSDC" -m "$MCHIP" "$SAMPLE"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/cps.rec"
	grep '^id=C0001 ' "$BATS_TEST_TMPDIR/cps.rec" | tr ' ' '\n' | grep '^DGI' >"$BATS_TEST_TMPDIR/C0001.txt"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/C0001.txt")" -eq 18 ]
	! grep -vqE '^DGI[0-9A-F]{4}=([0-9A-F]{2})+$' "$BATS_TEST_TMPDIR/C0001.txt"
	# The lines' order is the cps= order.
	order=$(cut -c4-7 "$BATS_TEST_TMPDIR/C0001.txt" | paste -sd,)
	cps=$(grep '^id=C0001 ' "$BATS_TEST_TMPDIR/cps.rec" | tr ' ' '\n' | sed -n 's/^cps=//p' | sed 's/:[a-zA-Z]*//g')
	[ "$order" = "$cps" ]
	# The whole batch: every DGI of every card.
	n=$(grep -v '^#' "$BATS_TEST_TMPDIR/cps.rec" | tr ' ' '\n' | grep -c '^DGI')
	[ "$n" -eq $((18 + 12 + 17)) ]
	# emv-cps(1) EXAMPLES: one file per card.
	mkdir "$BATS_TEST_TMPDIR/cards"
	(cd "$BATS_TEST_TMPDIR/cards" &&
	grep -v -e '^#' -e '^$' -e ' err=' ../cps.rec |
	    while read -r id rest; do
		printf '%s\n' "$rest" | tr ' ' '\n' | grep '^DGI' >"${id#id=}.txt"
	    done)
	[ "$(ls "$BATS_TEST_TMPDIR/cards" | paste -sd' ')" = "C0001.txt C0003.txt C0005.txt" ]
	cmp "$BATS_TEST_TMPDIR/cards/C0001.txt" "$BATS_TEST_TMPDIR/C0001.txt"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cards/C0005.txt")" -eq 17 ]
}

@test "optional DGIs: an SDA card without an ICC key" {
	one "$(card C0003)" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field cps "$output")" = "9104,0101,0201,0202,8000:e,9000,8010:e,9010,0D01,0E01,9102,9200" ]
	# 0D01 and 0E01 are left out when none of their tags is there.
	line=$(card C0003)
	for t in 9F14 9F23 9F51 9F57; do line=$(without $t "$line"); done
	one "$line" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ "$(field cps "$output")" = "9104,0101,0201,0202,8000:e,9000,8010:e,9010,9102,9200" ]
	# The M/Chip map requires the ICC key.
	line=$(card C0005)
	line=$(without DGI8203 "$line")
	fails "$line" "emv-cps: record C0005 (line 1): DGI8203: missing-dgi: not on the record, and the map's DGI8203 needs it" missing-dgi -m "$MCHIP"
}

@test "padding marks: pad=none, needed, always and the defaults" {
	m=$(map 'aid=A0000000031010
records=all
DGI8000 from DGI8000 secret
DGI9000 from DGI9000
DGI8010 from DGI8010 secret pad=always
DGI8201 from DGI8201 secret pad=needed
DGI8202 from DGI8202 secret
DGI8203 from DGI8203 secret pad=none
DGI8204 from DGI8204 secret optional
DGI8205 from DGI8205 secret pad=always
DGI8301 from DGI8205 secret
DGI9102 template A5: 50 87 5F2D 9F38 9F12 BF0C
DGI9104 tlv: 82 94
DGI0D01 tlv: 9F14 9F23
DGI0E01 tlv: 9F51 9F57
DGI9200 tlv: 9F10
ignore=DGI9010')
	one "$(card C0001)" -m "$m"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(field cps "$output")" = "0101,0201,0301,0302,8000:e,9000,8010:eP,8201:ep,8202:eP,8203:e,8204:eP,8205:eP,8301:eP,9102,9104,0D01,0E01,9200" ]
	[ "$(field DGI8301 "$output")" = "$(field DGI8205 "$(card C0001)")" ]
	[ -z "$(field DGI9010 "$output")" ]
}

@test "required DGI missing: missing-dgi, every problem reported, record kept" {
	in=$(card C0001)
	line=$(without DGI8000 "$in")
	fails "$line" "emv-cps: record C0001 (line 1): DGI8000: missing-dgi: not on the record, and the map's DGI8000 needs it" missing-dgi -m "$VSDC"
	line=$(without 50 "$in")
	fails "$line" "emv-cps: record C0001 (line 1): 50: missing-dgi: not on the record, and the map's DGI9102 needs it" missing-dgi -m "$VSDC"
	line=$(without 9F10 "$(without DGI9000 "$in")")
	one "$line" -m "$VSDC"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-cps: record C0001 (line 1): DGI9000: missing-dgi: not on the record, and the map's DGI9000 needs it
emv-cps: record C0001 (line 1): 9F10: missing-dgi: not on the record, and the map's DGI9200 needs it" ]
	[ "$output" = "$line err=missing-dgi" ]
	# No record DGI at all.
	line=$in
	for d in DGI0101 DGI0201 DGI0301 DGI0302; do line=$(without $d "$line"); done
	one "$line" -m "$VSDC"
	[ "$status" -eq 1 ]
	[ "${stderr%%$'\n'*}" = "emv-cps: record C0001 (line 1): -: missing-dgi: records=all and no record DGI (DGI0101-DGI1EFF)" ]
	[ "$output" = "$line err=missing-dgi" ]
	# A required DGI all of whose tags are optional.
	m=$(map $'aid=A0000000031010\nDGI0D01 tlv: 9F14? 9F23?')
	fails "id=X1 5A=4761739001010010" "emv-cps: record X1 (line 1): DGI0D01: missing-dgi: required, and none of its tags is on the record" missing-dgi -m "$m"
}

@test "unmapped tags and DGIs: err=unmapped naming the field, never dropped" {
	in=$(card C0001)
	fails "$in DF01=01" "emv-cps: record C0001 (line 1): DF01: unmapped: no DGI of the map holds it" unmapped -m "$VSDC"
	fails "$in DGI7FFF=0102" "emv-cps: record C0001 (line 1): DGI7FFF: unmapped: no line of the map takes it" unmapped -m "$VSDC"
	fails "$in DGI8301=$(field DGI8201 "$in")" "emv-cps: record C0001 (line 1): DGI8301: unmapped: no line of the map takes it" unmapped -m "$VSDC"
	# A record DGI the map builds from tags is not taken by records=all.
	fails "$in DGI0D01=9F140103" "emv-cps: record C0001 (line 1): DGI0D01: unmapped: no line of the map takes it" unmapped -m "$VSDC"
	# A tag whose value is not the one its record DGI holds (stale).
	line=$(printf '%s\n' "$in" | sed 's/ 5F24=281231 / 5F24=291231 /')
	fails "$line" "emv-cps: record C0001 (line 1): 5F24: unmapped: no DGI of the map holds it" unmapped -m "$VSDC"
	# ignore= drops them without complaint.
	sed 's/^aid=.*/&\nignore=DF01,DGI7FFF/' "$VSDC" >"$BATS_TEST_TMPDIR/i.map"
	one "$in DF01=01 DGI7FFF=0102" -m "$BATS_TEST_TMPDIR/i.map"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ -z "$(field DF01 "$output")" ]
	[ -z "$(field DGI7FFF "$output")" ]
}

@test "bad DGIs: a record DGI that is no 70 template, ciphertext not in blocks" {
	in=$(card C0001)
	line=$(printf '%s\n' "$in" | sed 's/ DGI0101=70/ DGI0101=77/')
	fails "$line" "emv-cps: record C0001 (line 1): DGI0101: bad-dgi: a record DGI is one 70 template and nothing else" bad-dgi -m "$VSDC"
	line=$(printf '%s\n' "$in" | sed 's/ \(DGI0101=[0-9A-F]*\)/ \100/')
	fails "$line" "emv-cps: record C0001 (line 1): DGI0101: bad-dgi: a record DGI is one 70 template and nothing else" bad-dgi -m "$VSDC"
	line=$(printf '%s\n' "$in" | sed 's/ DGI8010=[0-9A-F]*/ DGI8010=1F2732C21E7BBC/')
	fails "$line" "emv-cps: record C0001 (line 1): DGI8010: bad-dgi: 7 bytes of ciphertext are not whole cipher blocks" bad-dgi -m "$VSDC"
	line=$(printf '%s\n' "$in" | sed 's/ DGI8000=[0-9A-F]*/ DGI8000=/')
	fails "$line" "emv-cps: record C0001 (line 1): DGI8000: bad-dgi: 0 bytes of ciphertext are not whole cipher blocks" bad-dgi -m "$VSDC"
}

@test "a DGI over 65535 bytes: dgi-length" {
	m=$(map $'aid=A0000000031010\nDGI9200 tlv: 9F10')
	big=$(head -c 65534 /dev/zero | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F)
	one "id=L1 9F10=$big" -m "$m"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-cps: record L1 (line 1): DGI9200: dgi-length: more than 65535 bytes" ]
	[ "$output" = "id=L1 9F10=$big err=dgi-length" ]
	m=$(map $'aid=A0000000031010\nDGI9200 from 9F10')
	one "id=L2 9F10=${big}0000" -m "$m"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-cps: record L2 (line 1): 9F10: dgi-length: 65536 bytes, a DGI holds at most 65535" ]
}

@test "secret DGIs without kek: no-kek" {
	line=$(without kek "$(card C0001)")
	fails "$line" "emv-cps: record C0001 (line 1): kek: no-kek: secret DGIs and no kek naming their transport key" no-kek -m "$VSDC"
}

@test "aid: the record's own, 4F and 84 must be the map's" {
	in=$(card C0001)
	fails "$in aid=A0000000032010" "emv-cps: record C0001 (line 1): aid: aid-mismatch: the record is for A0000000032010, $VSDC for A0000000031010" aid-mismatch -m "$VSDC"
	one "$in aid=A0000000031010" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ "$(names "$output" | cut -d' ' -f1-6)" = "id profile kek test aid cps" ]
	# The application's AID (4F) and DF name (84) are the instance AID.
	line=$(printf '%s\n' "$in" | sed 's/ 4F=A0000000031010 / 4F=A0000000032010 /')
	fails "$line" "emv-cps: record C0001 (line 1): 4F: aid-mismatch: the record is for A0000000032010, $VSDC for A0000000031010" aid-mismatch -m "$VSDC"
	fails "$in 84=A0000000031011" "emv-cps: record C0001 (line 1): 84: aid-mismatch: the record is for A0000000031011, $VSDC for A0000000031010" aid-mismatch -m "$VSDC"
	one "$in 84=A0000000031010" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ -z "$(field 84 "$output")" ]
	[ -z "$(field 4F "$output")" ]
}

@test "the map by profile: first match, no-map" {
	in=$(card C0001)
	line=$(printf '%s\n' "$in" | sed 's/ profile=visa-dda / profile=amex-blue /')
	fails "$line" "emv-cps: record C0001 (line 1): profile: no-map: no map for profile amex-blue" no-map -m "$VSDC" -m "$MCHIP"
	line=$(without profile "$in")
	fails "$line" "emv-cps: record C0001 (line 1): profile: no-map: the record has no profile and every map names its profiles" no-map -m "$VSDC" -m "$MCHIP"
	# A map without profile= takes every record; the first match wins.
	# (any.map keeps pvv: that tells which map made the record.)
	grep -v '^profile=' "$VSDC" | sed 's/^aid=.*/&\nkeep=pvv/' >"$BATS_TEST_TMPDIR/any.map"
	one "$line" -m "$VSDC" -m "$BATS_TEST_TMPDIR/any.map"
	[ "$status" -eq 0 ]
	[ "$(field pvv "$output")" = 1234 ]
	one "$in" -m "$VSDC" -m "$BATS_TEST_TMPDIR/any.map"
	[ "$status" -eq 0 ]
	[ -z "$(field pvv "$output")" ]
	one "$in" -m "$BATS_TEST_TMPDIR/any.map" -m "$VSDC"
	[ "$status" -eq 0 ]
	[ "$(field pvv "$output")" = 1234 ]
}

@test "records that already carry err, and malformed lines, pass untouched" {
	in=$(card C0001)
	printf '%s\n' "$in err=no-pan" "id=M1 5a=01" "$in" >"$BATS_TEST_TMPDIR/in"
	c -m "$VSDC" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-cps: record M1 (line 2): 5a: bad-name: not a tag, DGI or attribute name" ]
	[ "$(sed -n 1p <<<"$output")" = "$in err=no-pan" ]
	[ "$(sed -n 2p <<<"$output")" = "id=M1 5a=01 err=bad-name" ]
	[ "$(sed -n 3p <<<"$output" | cut -d' ' -f1-5)" = "id=C0001 profile=visa-dda kek=kek2 test=1 aid=A0000000031010" ]
	[ "$(printf '%s\n' "$output" | count_records)" -eq 3 ]
}

@test "the shipped maps parse and name their products" {
	for m in "$VSDC" "$MCHIP"; do
		grep -q '^aid=' "$m"
		grep -q '^profile=' "$m"
		# They cite the research notes.
		grep -q 'emv-facts' "$m"
	done
	one "$(card C0003)" -m "$MCHIP" -m "$VSDC"
	[ "$status" -eq 0 ]
}
