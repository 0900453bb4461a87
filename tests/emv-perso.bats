#!/usr/bin/env bats
# emv-perso: CPS records loaded onto virtual cards (emv-card feeders)
# through a private pcscd (tests/pcsc.bash); the batch is made here by
# pipelines/prep from the sample issuer file.
load helper
load pcsc

setup_file() {
	export KS=$BATS_FILE_TMPDIR/ks
	make_test_store "$KS"
	sh "$TOP/pipelines/demo-ca.sh" "$BATS_FILE_TMPDIR/ca" >/dev/null
	sh "$TOP/pipelines/prep" -o "$BATS_FILE_TMPDIR/prep" "$DATA/sample.csv" \
	    >/dev/null 2>&1
	export CPS=$BATS_FILE_TMPDIR/prep/10-cps.txt
	printf '%s\n' 0123456789ABCDEF0123456789ABCDEF |
	    emv-keys import -x kmc-other kmc 3des2 >/dev/null
	pcsc_start 1
}

teardown_file() {
	pcsc_stop
}

teardown() {
	card_stop 0
	card_stop 1
}

# The clear secrets of the test keys: never in any output.
SECRETS=(
	404142434445464748494A4B4C4D4E4F	# kmc, kmc-aes
	DD7515F2BFC17F85CE48F3CA25CB21F6	# kek2
	89E88CF7931444F334BD7547FC3F380C	# kek1
	0123456789ABCDEFFEDCBA9876543210	# imk-ac
	0123456789ABCDEF0123456789ABCDEF	# kmc-other
)

no_secrets() {
	local s
	for s in "${SECRETS[@]}"; do
		assert_no_secret "$s" "$@" "$KS"/* "$PCSC_DIR"/*.log
	done
}

field() {
	grep -v '^#' "$2" | sed -n "${3:-1}p" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# feeder SLOT COUNT SERIAL [emv-card options]: blank cards in a slot.
feeder() {
	local slot=$1 n=$2 s=$3
	shift 3
	mkdir -p "$BATS_TEST_TMPDIR/cards$slot"
	card_start "$slot" -F "$BATS_TEST_TMPDIR/cards$slot" -n "$n" -e 450 \
	    -c kek2-aes -k kmc -s "$s" "$@"
}

@test "perso: the batch onto a feeder's cards, one station, SCP02 MAC+ENC" {
	head -3 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 3 00000100
	run --separate-stderr emv-perso -k kmc -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ -z "$stderr" ]
	echo "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(count_records "$BATS_TEST_TMPDIR/out")" -eq 3 ]
	[ "$(grep -c ' perso=ok' "$BATS_TEST_TMPDIR/out")" -eq 3 ]
	[ "$(field serial "$BATS_TEST_TMPDIR/out" 2)" = 00000101 ]
	[ "$(field scp "$BATS_TEST_TMPDIR/out")" = 02 ]
	[ "$(field level "$BATS_TEST_TMPDIR/out")" = 03 ]
	[ "$(field kdd "$BATS_TEST_TMPDIR/out")" = 00006001000001000001 ]
	[ -n "$(field atr "$BATS_TEST_TMPDIR/out")" ]
	# The ids in input order.
	diff <(field id "$BATS_TEST_TMPDIR/in" 1; field id "$BATS_TEST_TMPDIR/in" 2;
	    field id "$BATS_TEST_TMPDIR/in" 3) <(grep -o '^id=[^ ]*' "$BATS_TEST_TMPDIR/out" | cut -d= -f2)
	card_wait 0
	grep -q ' app=personalized' "$BATS_TEST_TMPDIR/cards0/00000102.card"
	no_secrets "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR"/cards0/*
}

@test "perso: the secret DGIs on the card are what data preparation sealed" {
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 1 00000200
	run --separate-stderr emv-perso -k kmc -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	card_wait 0
	emv-card -D kek2 "$BATS_TEST_TMPDIR/cards0/00000200.card" >"$BATS_TEST_TMPDIR/dump"
	local d v w
	for d in $(tr ' ' '\n' <"$BATS_TEST_TMPDIR/in" | sed -n 's/^DGI\(8[0-9A-F]*\)=.*/\1/p'); do
		v=$(field "DGI$d" "$BATS_TEST_TMPDIR/in")
		w=$(field "DGI$d" "$BATS_TEST_TMPDIR/dump")
		# Triple-DES ECB under kek2: the card's value, resealed, starts
		# with data preparation's; RSA parts (cps flag eP) carry one
		# more block, the 80 00 .. padding the device added.
		case $d in
		820*) [ "${w:0:${#v}}" = "$v" ] && [ ${#w} -eq $((${#v} + 16)) ] ;;
		*) [ "$w" = "$v" ] ;;
		esac || { echo "DGI$d differs"; false; }
	done
	[ "$(field DGI9102 "$BATS_TEST_TMPDIR/dump")" = "$(field DGI9102 "$BATS_TEST_TMPDIR/in")" ]
}

@test "perso: SCP03 card and AES KMC, level MAC, DGI format bit" {
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	mkdir -p "$BATS_TEST_TMPDIR/cards0"
	card_start 0 -F "$BATS_TEST_TMPDIR/cards0" -n 1 -c kek2-aes -k kmc-aes -i 03 -s 00000300
	run --separate-stderr emv-perso -k kmc-aes -l mac -f -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "$(field scp <(echo "$output"))" = 03 ]
	[ "$(field scpi <(echo "$output"))" = 70 ]
	[ "$(field level <(echo "$output"))" = 01 ]
	[ "$(field perso <(echo "$output"))" = ok ]
	card_wait 0
	emv-card -D kek2 "$BATS_TEST_TMPDIR/cards0/00000300.card" >"$BATS_TEST_TMPDIR/dump"
	[ "$(field DGI8000 "$BATS_TEST_TMPDIR/dump")" = "$(field DGI8000 "$BATS_TEST_TMPDIR/in")" ]
	[ "$(field DGI8010 "$BATS_TEST_TMPDIR/dump")" = "$(field DGI8010 "$BATS_TEST_TMPDIR/in")" ]
}

@test "perso: two stations, output in input order" {
	# The first four are Visa (the cards' default AID).
	head -4 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 2 00000400
	feeder 1 2 00000500
	run --separate-stderr emv-perso -k kmc -r 0 -r 1 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	echo "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(grep -c ' perso=ok' "$BATS_TEST_TMPDIR/out")" -eq 4 ]
	diff <(grep -o '^id=[^ ]*' "$BATS_TEST_TMPDIR/in") <(grep -o '^id=[^ ]*' "$BATS_TEST_TMPDIR/out")
	grep -q ' station=0 ' "$BATS_TEST_TMPDIR/out"
	grep -q ' station=1 ' "$BATS_TEST_TMPDIR/out"
	# Four different cards.
	[ "$(grep -o ' serial=[^ ]*' "$BATS_TEST_TMPDIR/out" | sort -u | wc -l)" -eq 4 ]
}

@test "perso: wrong KMC: card cryptogram mismatch, nothing secret sent, run goes on" {
	head -2 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 2 00000600
	run --separate-stderr emv-perso -k kmc-other -r 0 -t 1500 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	local id1 id2
	id1=$(field id "$BATS_TEST_TMPDIR/in" 1)
	id2=$(field id "$BATS_TEST_TMPDIR/in" 2)
	[ "$(sed -n 1p <<<"$stderr")" = "emv-perso: record $id1 (line 1): -: wrong-kmc: card cryptogram mismatch (another KMC or diversification) (at init-update)" ]
	[[ "$(sed -n 2p <<<"$stderr")" == "emv-perso: record $id2 (line 2): -: no-card: "* ]]
	[ "$(count_records <(echo "$output"))" -eq 2 ]
	[ "$(field err <(echo "$output") 1)" = wrong-kmc ]
	[ "$(field err <(echo "$output") 2)" = no-card ]
	no_secrets <(echo "$output") <(echo "$stderr")
}

@test "perso: an already personalized card is refused" {
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 1 00000700
	emv-perso -k kmc -r 0 -t 10000 "$BATS_TEST_TMPDIR/in" >/dev/null
	card_wait 0
	card_start 0 "$BATS_TEST_TMPDIR/cards0/00000700.card"
	run --separate-stderr emv-perso -k kmc -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-perso: record $(field id "$BATS_TEST_TMPDIR/in") (line 1): -: already-personalized: INSTALL [for personalization]: 6985 (at install)" ]
	[ "$(field err <(echo "$output"))" = already-personalized ]
	[ "$(field serial <(echo "$output"))" = 00000700 ]
}

@test "perso: secure channel refused (SCP03 forced, SCP02 card)" {
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 1 00000800
	run --separate-stderr emv-perso -k kmc -i 03 -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-perso: record $(field id "$BATS_TEST_TMPDIR/in") (line 1): -: channel-refused: the card speaks SCP02, SCP03 asked for (at init-update)" ]
	[ "$(field err <(echo "$output"))" = channel-refused ]
}

@test "perso: journal: a rerun personalizes only what is left, never twice" {
	head -3 "$CPS" >"$BATS_TEST_TMPDIR/in"
	local j=$BATS_TEST_TMPDIR/journal
	feeder 0 2 00000900
	# Two cards for three records: the third waits in vain.
	run --separate-stderr emv-perso -k kmc -J "$j" -r 0 -t 2000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$(grep -c ' perso=ok' <<<"$output")" -eq 2 ]
	[ "$(field err <(echo "$output") 3)" = no-card ]
	[ "$(grep -c 'perso=start' "$j")" -eq 2 ]
	[ "$(grep -c 'perso=ok' "$j")" -eq 2 ]
	card_wait 0
	feeder 0 1 00000910
	run --separate-stderr emv-perso -k kmc -J "$j" -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || { echo "$stderr"; false; }
	[ "$(grep -c ' perso=done' <<<"$output")" -eq 2 ]
	[ "$(field perso <(echo "$output") 3)" = ok ]
	[ "$(field serial <(echo "$output") 3)" = 00000910 ]
	[ "$(field serial <(echo "$output") 1)" = 00000900 ]
	no_secrets "$j"
}

@test "perso: dry run: the APDU script, secrets only as wire ciphertext" {
	head -2 "$CPS" >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr emv-perso -n -k kmc -s 00000042 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^# record ' <<<"$output")" -eq 2 ]
	[ "$(grep -c '^< 9000$' <<<"$output")" -ge 20 ]
	! grep -q '^< 6' <<<"$output"
	# Deterministic: the same script twice.
	diff <(echo "$output") <(emv-perso -n -k kmc -s 00000042 "$BATS_TEST_TMPDIR/in")
	# No sealed value of the record appears in the clear.
	local v
	for v in $(tr ' ' '\n' <"$BATS_TEST_TMPDIR/in" | sed -n 's/^DGI8[0-9A-F]*=//p'); do
		! grep -q "$v" <<<"$output"
	done
	no_secrets <(echo "$output")
}

@test "perso: the trace masks STORE DATA data and shows no secret" {
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	feeder 0 1 00000B00
	run --separate-stderr emv-perso -v -k kmc -l mac -r 0 -t 10000 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ]
	grep -q '^emv-perso: 0 > 84E2' <<<"$stderr"
	local pan
	pan=$(sed -n 's/.* 5A=\([0-9]*\).*/\1/p' "$DATA/../data/sample.csv" | head -1)
	! grep -q '5A08' <<<"$stderr"
	! grep -Eq '^emv-perso: 0 > 84E2[0-9A-F]{10}[0-9A-F]' <<<"$stderr"
	no_secrets <(echo "$stderr")
}

@test "perso: usage and fatal errors" {
	run --separate-stderr emv-perso
	[ "$status" -eq 2 ]
	[[ "$stderr" == "usage: emv-perso -k kmc "* ]]
	run --separate-stderr emv-perso -k no-such-key </dev/null
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	run --separate-stderr emv-perso -k kek2 </dev/null
	[ "$status" -eq 3 ]
}

@test "perso: card removed in the middle of STORE DATA: reported with its step, journal says fail" {
	# Last, in slot 1: vpcd does not bring a slot back soon after a card
	# vanished in the middle of a command.
	head -1 "$CPS" >"$BATS_TEST_TMPDIR/in"
	local j=$BATS_TEST_TMPDIR/journal
	blank=$BATS_TEST_TMPDIR/c
	emv-card -N -c kek2-aes -k kmc -s 00000A00 "$blank"
	card_start 1 -X 3 "$blank"
	run --separate-stderr emv-perso -k kmc -J "$j" -r 1 -t 1500 "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-perso: record $(field id "$BATS_TEST_TMPDIR/in") (line 1): -: card-removed: the card left the reader (at store-data)" ]
	[ "$(field step <(echo "$output"))" = store-data ]
	grep -q 'perso=fail serial=00000A00 step=store-data code=card-removed' "$j"
}
