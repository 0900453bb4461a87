# tests/data/verify-card.bash: a personalized virtual card for
# tests/emv-read.bats and tests/emv-verify.bats, made by hand-built STORE
# DATA commands as tests/emv-card.bats makes one (until emv-perso lands):
# the public DGIs of tests/data/card-app.rec, the card keys from
# emv-derive (imk-ac, imk-smi, imk-smc) and PIN 1234, under kek1.
#
# verify_card IMAGE [PIN] [IMK-AC]: a personalized card image (public
# DGIs from VERIFY_APP when set).
verify_card() {
	local img=$1 pin=${2:-1234} imkac=${3:-imk-ac} app=${VERIFY_APP:-$DATA/card-app.rec}
	local d=$BATS_TEST_TMPDIR sec
	sec=$d/sec.rec
	vfield() { grep -v '^#' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	printf 'id=s 5A=1234567890123456 5F34=00\n' |
	    emv-derive -a "$imkac" -i imk-smi -c imk-smc -k kek1 -A >"$sec"
	emv-card -N -c kek2-aes -k kmc -s 00000042 "$img"
	card_start 0 "$img"
	cat >"$d/perso" <<EOS
send 00A4040007A0000000031010 9000
open 02 15 03 kmc emv
kek kek1
store 0101 $(vfield DGI0101 "$app") 9000
store 0201 $(vfield DGI0201 "$app") 9000
store 9102 $(vfield DGI9102 "$app") 9000
store 9104 $(vfield DGI9104 "$app") 9000
store 9200 $(vfield DGI9200 "$app") 9000
store -e 8000 $(vfield DGI8000 "$sec") 9000
store 9000 $(vfield DGI9000 "$sec") 9000
store -e 8010 $(sh "$DATA/pin-sample.sh" block 2 "$pin" - -) 9000
store -l 9010 0303 9000
EOS
	apdu -r 0 "$d/perso" >/dev/null
	rm -f "$sec" "$d/perso"
}
