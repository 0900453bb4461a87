#!/usr/bin/env bats
# emv-card: the virtual card through a private pcscd (tests/pcsc.bash), with
# opensc-tool, scriptor and the test client tests/tools/apdu.
load helper
load pcsc

setup_file() {
	export KS=$BATS_FILE_TMPDIR/ks
	make_test_store "$KS"
	# The static keys of the SCP03 vector V15 (not in test-keys.txt:
	# only this file needs them).
	printf '%s\n' F995D0A069335C7DF42E590317FFEA6D |
	    emv-keys import -x v15-enc kmc aes128 >/dev/null
	printf '%s\n' 58563362EC5A4541ABCD32B34B1EAE7D |
	    emv-keys import -x v15-mac kmc aes128 >/dev/null
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

# The clear secrets this file uses: they must never show anywhere.
SECRETS=(
	404142434445464748494A4B4C4D4E4F	# kmc, the V13 static keys
	154F349D8585CB7F6B0798E9839B10C1	# MK-AC of the V8 card
	94F867167C64EF3EEAB0CB627A7A3480	# MK-SMI
	19296D4CD626859E8AADDF0B2AAB8FEA	# MK-SMC
	241234FFFFFFFFFF			# the reference PIN block
	F995D0A069335C7DF42E590317FFEA6D	# V15 K-ENC
	58563362EC5A4541ABCD32B34B1EAE7D	# V15 K-MAC
)

no_secrets() {
	local s
	for s in "${SECRETS[@]}"; do
		assert_no_secret "$s" "$@" "$KS"/* "$PCSC_DIR"/*.log
	done
}

# blank NAME [emv-card options]: a new blank card image, serial 00000042
# unless -s is given.
blank() {
	local name=$1
	shift
	emv-card -N -c kek2-aes -k kmc -s 00000042 "$@" "$BATS_TEST_TMPDIR/$name"
}

# field NAME FILE: a field of the record in FILE.
field() {
	grep -v '^#' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# perso_script [OPEN]: the personalization of tests/data/card-app.rec by
# hand-built STORE DATA commands: the public DGIs as they are, the card
# keys from emv-derive and the PIN block from pin-sample.sh under kek1,
# which apdu translates to the session DEK.
perso_script() {
	local app=$DATA/card-app.rec sec
	sec=$BATS_TEST_TMPDIR/sec.rec
	printf 'id=s 5A=1234567890123456 5F34=00\n' |
	    emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek1 -A >"$sec"
	cat <<EOF
send 00A4040007A0000000031010 9000
${1:-open 02 15 03 kmc emv}
kek kek1
store 0101 $(field DGI0101 "$app") 9000
store 0201 $(field DGI0201 "$app") 9000
store 9102 $(field DGI9102 "$app") 9000
store 9104 $(field DGI9104 "$app") 9000
store 9200 $(field DGI9200 "$app") 9000
store -e 8000 $(field DGI8000 "$sec") 9000
store 9000 $(field DGI9000 "$sec") 9000
store -e 8010 $(sh "$DATA/pin-sample.sh" block 2 1234 - -) 9000
store -l 9010 0303 9000
EOF
}

# The terminal data of CDOL1 (Book 2 8.1.1): amount 10.00, no other
# amount, country and currency 0840, TVR 0, 31 Dec 2025, purchase, UN.
CDOL1=0000000010000000000000000840000000000008402512310011223344

@test "card: opensc-tool -l lists the reader with a card in it" {
	blank c
	card_start 0 "$BATS_TEST_TMPDIR/c"
	run --separate-stderr timeout 10 opensc-tool -l
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[[ "$output" == *"0    Yes             Virtual PCD 00 00"* ]]
	[[ "$output" == *"1    No              Virtual PCD 00 01"* ]]
}

@test "card: opensc-tool -s and scriptor exchange APDUs" {
	blank c
	card_start 0 "$BATS_TEST_TMPDIR/c"
	run --separate-stderr timeout 10 opensc-tool -r 0 \
	    -s 00A4040008A000000151000000 -s 80CA9F7F00
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(grep -c 'Received (SW1=0x90, SW2=0x00)' <<<"$output")" -eq 2 ]
	[[ "$output" == *"9F 7F 2A 45 50 56 43"* ]]
	printf '00A4040008A000000151000000\n80CA00CF00\n80CA000100\n' \
	    >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr timeout 10 scriptor -r "$(reader_name 0)" \
	    "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	grep -Fxq '< CF 0A 00 00 60 01 00 00 00 42 00 01 90 00 : Normal processing.' <<<"$output"
	grep -q '^< 6A 88 : ' <<<"$output"
}

@test "card: an SCP02 i=15 session reproduces the V13 handshake" {
	# V13: static keys 4041..4F, KDD 000074746E6E6E626262, counter
	# 069F, card challenge AA2A0591E733 (the -R test switch).
	blank v13 -m none -s 6E6E6E62
	sed -i 's/ seq=0000 / seq=069F /; s/ CF=[0-9A-F]* / CF=000074746E6E6E626262 /' \
	    "$BATS_TEST_TMPDIR/v13"
	card_start 0 -R AA2A0591E733 "$BATS_TEST_TMPDIR/v13"
	printf '%s\n' 'send 00A4040008A000000151000000 9000' \
	    'open 02 15 01 kmc none D5AD539A60CA5E72' 'send 80CA9F7F00 9000' \
	    >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	diff <(sed -n 4,7p <<<"$output") "$VEC/scp02-v13.txt"
	# The counter went up once, saved.
	[ "$(field seq "$BATS_TEST_TMPDIR/v13")" = 06A0 ]
	[ "$(field authfail "$BATS_TEST_TMPDIR/v13")" = 0 ]
	no_secrets <(printf '%s\n' "$output") "$BATS_TEST_TMPDIR/v13"
}

@test "card: an SCP03 i=70 session reproduces the V15 handshake and C-DEC command" {
	# V15: the card challenge is the pseudo-random one of counter
	# 000015 and the ISD AID A000000151000000: no test switch.
	emv-card -N -c kek2-aes -k v15-enc,v15-mac,v15-enc -i 03 -s 00000015 \
	    "$BATS_TEST_TMPDIR/v15"
	sed -i 's/ seq=000000 / seq=000015 /; s/ CF=[0-9A-F]* / CF=00000000000000000000 /' \
	    "$BATS_TEST_TMPDIR/v15"
	card_start 0 "$BATS_TEST_TMPDIR/v15"
	printf '%s\n' 'send 00A4040008A000000151000000 9000' \
	    'open 03 00 03 v15-enc,v15-mac,v15-enc none B2BDE1A2DC66BD56' \
	    'send 80E400800A4F08A00100015141434C 6D00' \
	    'send 80CA00CF00 9000' >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	# The card checked the DELETE's MAC and deciphered it (a wrong MAC
	# is 6982), then has no DELETE: 6D00; the next command still MACs.
	diff <(sed -n 4,9p <<<"$output") "$VEC/scp03-v15.txt"
	[ "$(field seq "$BATS_TEST_TMPDIR/v15")" = 000016 ]
	no_secrets <(printf '%s\n' "$output") "$BATS_TEST_TMPDIR/v15"
}

@test "card: personalized by STORE DATA, killed, restarted: the same data read back" {
	local img=$BATS_TEST_TMPDIR/p
	blank p
	card_start 0 "$img"
	perso_script >"$BATS_TEST_TMPDIR/perso"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/perso"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(grep -c '^< 9000$' <<<"$output")" -eq 10 ]
	# Saved before the answer: a kill -9 loses nothing.
	kill -9 "$CARD_PID"
	apdu -w e -r 0 -t 10000
	[ "$(field app "$img")" = personalized ]
	card_start 0 "$img"
	cat >"$BATS_TEST_TMPDIR/read" <<EOF
send 00A4040007A0000000031010 9000
send 80A800000483020840 9000
send 00B2010C00 9000
send 00B2011400 9000
send 80CA9F3600 9000
send 80CA9F1700 9000
EOF
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/read"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	local app=$DATA/card-app.rec
	grep -Fxq "< 6F268407A0000000031010$(field DGI9102 "$app")9000" <<<"$output"
	grep -Fxq "< 770E$(field DGI9104 "$app")9000" <<<"$output"
	grep -Fxq "< $(field DGI0101 "$app")9000" <<<"$output"
	grep -Fxq "< $(field DGI0201 "$app")9000" <<<"$output"
	grep -Fxq '< 9F360200019000' <<<"$output"
	grep -Fxq '< 9F1701039000' <<<"$output"
	no_secrets <(printf '%s\n' "$output") "$img" "$BATS_TEST_TMPDIR/perso"
}

@test "card: STORE DATA refusals: duplicate, unknown DGI, bad KCV, clear secret, after the last block" {
	blank p
	card_start 0 "$BATS_TEST_TMPDIR/p"
	local sec=$BATS_TEST_TMPDIR/sec.rec
	perso_script >/dev/null
	cat >"$BATS_TEST_TMPDIR/s" <<EOF
send 00A4040007A0000000031010 9000
send 80E2000005010103700100 6982
open 02 15 01 kmc emv
store 0101 701E57101234567890123456D25122010000000F5F2009544553542F43415244 9000
store 0101 700100 6A80
store 7F01 01 6A88
store 0101 5A 6A80
store 8000 $(field DGI8000 "$sec") 6982
kek kek1
store -e 8000 $(field DGI8000 "$sec") 9000
store 9000 000000000000000000 6A80
store 9104 82023C00 6A80
store 9102 A51B500B56495341204352454449548701019F38039F1A025F2D02656E 9000
store 0201 $(field DGI0201 "$DATA/card-app.rec") 9000
store -l 9104 82023C0094080801010010010100 9000
store 9010 0303 6985
EOF
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(field app "$BATS_TEST_TMPDIR/p")" = personalized ]
	# Refused commands left no DGI behind.
	[ -z "$(field DGI7F01 "$BATS_TEST_TMPDIR/p")" ]
	[ -z "$(field DGI9000 "$BATS_TEST_TMPDIR/p")" ]
}

@test "card: a DGI longer than one command goes in several STORE DATA (CPS 3.2.7.4)" {
	blank p
	card_start 0 "$BATS_TEST_TMPDIR/p"
	perso_script | sed '/^open/a split 40' >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(grep -c '^> 84E2' <<<"$output")" -eq 14 ]
	[ "$(field DGI0201 "$BATS_TEST_TMPDIR/p")" = "$(field DGI0201 "$DATA/card-app.rec")" ]
	[ "$(field app "$BATS_TEST_TMPDIR/p")" = personalized ]
}

@test "card: personalization through the ISD (INSTALL for personalization) over SCP03 MAC+ENC" {
	emv-card -N -c kek2-aes -k kmc-aes -i 03:10 -s 00000077 "$BATS_TEST_TMPDIR/p"
	card_start 0 "$BATS_TEST_TMPDIR/p"
	perso_script 'open 03 00 03 kmc-aes kdf3' |
	    sed '1s/.*/send 00A4040008A000000151000000 9000/; /^kek/a install A0000000031010' \
	    >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(field app "$BATS_TEST_TMPDIR/p")" = personalized ]
	[ "$(field scp "$BATS_TEST_TMPDIR/p")" = 03 ]
	no_secrets <(printf '%s\n' "$output") "$BATS_TEST_TMPDIR/p"
}

@test "card: -D dumps a test card's secrets under a test kek, equal to what data preparation sent" {
	local img=$BATS_TEST_TMPDIR/p
	blank p
	card_start 0 "$img"
	perso_script >"$BATS_TEST_TMPDIR/perso"
	apdu -r 0 "$BATS_TEST_TMPDIR/perso" >/dev/null
	card_stop 0
	run --separate-stderr emv-card -D kek1 "$img"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$stderr" = "" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/dump"
	[ "$(field kek "$BATS_TEST_TMPDIR/dump")" = kek1 ]
	[ "$(field DGI8000 "$BATS_TEST_TMPDIR/dump")" = "$(field DGI8000 "$BATS_TEST_TMPDIR/sec.rec")" ]
	[ "$(field DGI8010 "$BATS_TEST_TMPDIR/dump")" = "$(sh "$DATA/pin-sample.sh" block 2 1234 - -)" ]
	# The image's own secrets are under the chip key: not these.
	[ "$(field DGI8000 "$img")" != "$(field DGI8000 "$BATS_TEST_TMPDIR/dump")" ]
	# emv-show reads the image and the dump.
	run --separate-stderr emv-show "$img"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	no_secrets "$img" "$BATS_TEST_TMPDIR/dump"
}

@test "card: feeder mode personalizes 3 blank cards, each ejected and kept under its serial" {
	local dir=$BATS_TEST_TMPDIR/stack s
	mkdir "$dir"
	card_start 0 -F "$dir" -n 3 -s 000000F0 -c kek2-aes -k kmc -e 600
	perso_script >"$BATS_TEST_TMPDIR/perso"
	{ cat "$BATS_TEST_TMPDIR/perso"; echo next
	  cat "$BATS_TEST_TMPDIR/perso"; echo next
	  cat "$BATS_TEST_TMPDIR/perso"; } >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(grep -c '^< 9000$' <<<"$output")" -eq 30 ]
	# The stack is empty: the feeder ejects the last card and stops.
	card_wait 0
	[ "$(ls "$dir")" = "$(printf '%s\n' 000000F0.card 000000F1.card 000000F2.card)" ]
	for s in F0 F1 F2; do
		[ "$(field app "$dir/000000$s.card")" = personalized ]
		[ "$(field id "$dir/000000$s.card")" = 000000$s ]
	done
	# Distinct serials, so distinct KDDs, so distinct card keys.
	[ "$(for s in F0 F1 F2; do field CF "$dir/000000$s.card"; done | sort -u | wc -l)" -eq 3 ]
	grep -Fxq 'emv-card: card 000000F2 ejected' "$PCSC_DIR/card-0.log"
	no_secrets <(printf '%s\n' "$output") "$dir"/*
}

@test "card: two slots served by one emv-card" {
	blank a -s 00000001
	blank b -s 00000002
	card_start 0 "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	apdu -w c -r 1 -t 10000
	printf 'send 80CA00CF00 9000\n' >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	grep -Fxq '< CF0A000060010000000100019000' <<<"$output"
	run --separate-stderr apdu -r 1 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	grep -Fxq '< CF0A000060010000000200019000' <<<"$output"
}

@test "card: a T=0 card (-0): 6Cxx and 61xx handled by lib/pcsc" {
	blank c
	card_start 0 -0 "$BATS_TEST_TMPDIR/c"
	printf 'send 80CA00CF00 9000\nsend 00A4040008A000000151000000 9000\n' \
	    >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	diff <(printf '%s\n' "$output") - <<EOF
# atr 3B021450
> 80CA00CF00
< 6C0C
> 80CA00CF0C
< CF0A000060010000004200019000
> 00A4040008A000000151000000
< 611B
> 00C000001B
< 6F198408A000000151000000A50D9F6E060000000000009F6501FF9000
EOF
}

@test "card: status words for bad commands, as a real card answers them" {
	blank c
	card_start 0 "$BATS_TEST_TMPDIR/c"
	cat >"$BATS_TEST_TMPDIR/s" <<EOF
send 00A4040005A000000999 6A82
send 00A4080008A000000151000000 6A86
send 00A4040005A0000000 6700
send A0CA9F7F00 6E00
send 01CA9F7F00 6881
send 80CA00FF00 6A88
send 80CA9F7F0100 6700
send 80FE000000 6D00
send 848201001011223344556677881122334455667788 6985
send 8050050008112233445566778800 6A88
send 80E2000003010100 6985
send 00A4040007A0000000031010 9000
send 80E2000003010100 6982
send 80A8000002830000 6D00
send 00A404000E325041592E5359532E4444463031 6A82
EOF
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$stderr" = "" ]
	# A wrong status word fails the script, naming the line.
	printf 'send 80CA00FF00 9000\n' >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 1 ]
	[ "$stderr" = "apdu: line 1: status 6A88, expected 9000" ]
}

@test "card: payment application status words: PIN tries, blocking, GPO and GENERATE AC rules" {
	blank p
	card_start 0 "$BATS_TEST_TMPDIR/p"
	perso_script >"$BATS_TEST_TMPDIR/perso"
	apdu -r 0 "$BATS_TEST_TMPDIR/perso" >/dev/null
	cat >"$BATS_TEST_TMPDIR/s" <<EOF
send 00A4040007A0000000031010 9000
send 00B2010C00 6985
send 80AE80001D$CDOL1 6985
send 80A80000028300 6700
send 80A800000483020840 9000
send 80A800000483020840 6985
send 00B2010C00 9000
send 00B2030C00 6A83
send 00B2010800 6A86
send 80CA9F4F00 9000
send 80CA9F5000 6A88
send 0020008008249999FFFFFFFFFF 63C2
send 0020008008249999FFFFFFFFFF 63C1
send 0020008008241234FFFFFFFFFF 9000
send 80CA9F1700 9000
send 80AEC0001D$CDOL1 6A86
send 80AE80001C${CDOL1:0:56} 6700
send 80AE80001D$CDOL1 9000
send 80AE40001D$CDOL1 6700
send 0020008008249999FFFFFFFFFF 63C2
send 0020008008249999FFFFFFFFFF 63C1
send 0020008008249999FFFFFFFFFF 63C0
send 0020008008241234FFFFFFFFFF 6983
send 80CA9F1700 9000
EOF
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	grep -Fxq '< 9F1701039000' <<<"$output"
	grep -Fxq '< 9F1701009000' <<<"$output"
	[ "$(field ptc "$BATS_TEST_TMPDIR/p")" = 0 ]
	[ "$(field atc "$BATS_TEST_TMPDIR/p")" = 1 ]
	# GENERATE AC: format 2, an ARQC (CID 80), the ATC, an AC, the IAD.
	grep -Eq '^< 77..9F2701809F360200019F2608[0-9A-F]{16}9F100706010A03[0-9A-F]{6}9000$' <<<"$output"
}

@test "card: failed EXTERNAL AUTHENTICATE counted, blocking after 10, reset by a success" {
	local img=$BATS_TEST_TMPDIR/c i
	blank c
	card_start 0 "$img"
	{ for i in 1 2; do
		echo 'send 8050000008010203040506070800 9000'
		echo 'send 848201001011223344556677881122334455667788 6300'
	  done; } >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(field authfail "$img")" = 2 ]
	printf 'open 02 15 01 kmc emv\n' >"$BATS_TEST_TMPDIR/ok"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/ok"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(field authfail "$img")" = 0 ]
	# Wrong keys: the host finds the card cryptogram wrong and stops.
	printf 'open 02 15 01 kmc-other emv\n' >"$BATS_TEST_TMPDIR/bad"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/bad"
	[ "$status" -eq 3 ]
	[ "$stderr" = "apdu: line 1: card cryptogram: card or host cryptogram wrong" ] ||
	    [[ "$stderr" == "apdu: line 1: card cryptogram: "* ]]
	{ for i in 1 2 3 4 5 6 7 8 9 10; do
		echo 'send 8050000008010203040506070800 9000'
		echo 'send 848201001011223344556677881122334455667788 6300'
	  done
	  echo 'send 8050000008010203040506070800 6983'; } >"$BATS_TEST_TMPDIR/s"
	run --separate-stderr apdu -r 0 "$BATS_TEST_TMPDIR/s"
	[ "$status" -eq 0 ] || { echo "$stderr"; echo "$output" | tail -5; false; }
	[ "$(field authfail "$img")" = 10 ]
}

@test "card: usage and fatal errors" {
	run --separate-stderr emv-card
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "usage: emv-card [-0v] [-c chipkey] [-H host] [-K dir] [-p port] [-R hex] [-X n] image ..." ]]
	blank c
	run --separate-stderr emv-card -N -c kek2-aes -k kmc -s 00000042 "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "emv-card: $BATS_TEST_TMPDIR/c: File exists" ]
	run --separate-stderr emv-card -D kek1 -c kek2 "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-card: $BATS_TEST_TMPDIR/c: made under chip key kek2-aes, not kek2" ]
	run --separate-stderr emv-card -N -c imk-ac -k kmc "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-card: key imk-ac: type imk-ac, -c needs a key of type kmc or kek" ]
	run --separate-stderr emv-card -N -c kek1 -k kmc-aes -i 02 "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-card: -k kmc-aes: keys of the wrong algorithm for SCP02" ]
	[ ! -e "$BATS_TEST_TMPDIR/d" ]
	# A value changed or moved in the image does not open.
	sed 's/ keys=\([0-9A-F]\)/ keys=0\1/' "$BATS_TEST_TMPDIR/c" >"$BATS_TEST_TMPDIR/e"
	run --separate-stderr emv-card -D kek1 "$BATS_TEST_TMPDIR/e"
	[ "$status" -eq 3 ]
	[ "$stderr" = "emv-card: $BATS_TEST_TMPDIR/e: keys: does not open under this chip key" ]
	run --separate-stderr emv-card -R 00 -N -c kek2-aes -k kmc x
	[ "$status" -eq 2 ]
	run --separate-stderr emv-card -X 3 -N -c kek2-aes -k kmc x
	[ "$status" -eq 2 ]
	[ "$output" = "" ]
	[[ "${stderr_lines[0]}" == "usage: emv-card "* ]]
	run --separate-stderr emv-card -X 0 "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 2 ]
	[ "$stderr" = "emv-card: -X 0: too small" ]
}

@test "card: -D and -X refuse a card made with a live chip key" {
	local live=$BATS_TEST_TMPDIR/live
	EMVPERSO_LMK=$live.lmk emv-keys -K "$live" init >/dev/null
	EMVPERSO_LMK=$live.lmk emv-keys -K "$live" generate chip kek aes256 >/dev/null
	EMVPERSO_LMK=$live.lmk emv-keys -K "$live" generate kmc kmc 3des2 >/dev/null
	EMVPERSO_LMK=$live.lmk emv-keys -K "$live" generate kek1 kek 3des2 >/dev/null
	EMVPERSO_LMK=$live.lmk emv-card -K "$live" -N -c chip -k kmc -s 00000001 "$BATS_TEST_TMPDIR/c"
	[ "$(field test "$BATS_TEST_TMPDIR/c")" = "" ]
	run --separate-stderr env EMVPERSO_LMK=$live.lmk emv-card -K "$live" -D kek1 "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "emv-card: -D: only a test card, to a test kek" ]
	# -X (a card that vanishes mid-load) neither, in a slot or a feeder.
	run --separate-stderr env EMVPERSO_LMK=$live.lmk emv-card -K "$live" -X 3 "$BATS_TEST_TMPDIR/c"
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "emv-card: -X: only with a test chip key" ]
	run --separate-stderr env EMVPERSO_LMK=$live.lmk emv-card -K "$live" -F "$BATS_TEST_TMPDIR" -n 1 -c chip -k kmc -X 3
	[ "$status" -eq 3 ]
	[ "$output" = "" ]
	[ "$stderr" = "emv-card: -X: only with a test chip key" ]
}
