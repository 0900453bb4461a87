# icc-lib.bash: helpers of tests/emv-icc.bats and tests/emv-sda.bats (load
# data/icc-lib, after helper and oda).  A complete small chain is made
# once per file: a test store, two test CAs, two certified issuer keys,
# and card records from the sample issuer file; every certificate and
# signature the stages make is then checked here with the openssl command
# (recovery without padding, SHA-1, SHA-256) and perl's Math::BigInt (the
# private key components), apart from emvperso's own code.

# icc_chain DIR: the store DIR/ks (EMVPERSO_* exported), CA keys
# A000000003 92 and A000000004 F1 (1408 bits, e = 3), issuer key visa
# (1152 bits, BIN 476173) and mc (1408 bits, BIN 541333) with their
# certificates, the CA list DIR/capk.txt (DIR/capk-92.txt, -F1.txt one
# key each), the requests DIR/visa.req and DIR/mc.req, profiles
# DIR/profiles (the shipped ones naming their issuer key, and visa-pin: a
# DDA card with a PIN encipherment key), and DIR/records.txt: the sample
# cards through emv-profile, emv-derive (kek2), emv-track, emv-records.
icc_chain() {
	local d=$1 name bin bits ca idx
	make_test_store "$d/ks"
	emv-ca init A000000003 92 1408 3 2049-12-31 >/dev/null
	emv-ca init A000000004 F1 1408 3 2049-12-31 >/dev/null
	emv-ca export ca-A000000003-92 >"$d/capk-92.txt"
	emv-ca export ca-A000000004-F1 >"$d/capk-F1.txt"
	cat "$d/capk-92.txt" "$d/capk-F1.txt" >"$d/capk.txt"
	for t in visa:476173:1152:A000000003-92 mc:541333:1408:A000000004-F1; do
		IFS=: read -r name bin bits ca <<<"$t"
		emv-keys generate "$name" issuer-rsa "rsa$bits" -e 3 >/dev/null
		emv-keys request "$name" -b "$bin" -x 1230 >"$d/$name.req"
		emv-ca sign "ca-$ca" <"$d/$name.req" >"$d/$name.cert"
		emv-keys import -c "$name" -l "$d/capk.txt" <"$d/$name.cert" >/dev/null
	done
	mkdir -p "$d/profiles"
	for f in "$TOP"/profiles/*.profile; do
		name=${f##*/}
		{ cat "$f"; echo "issuer-key=${name%%-*}"; } >"$d/profiles/$name"
	done
	sed -e 's/^name=visa-dda/name=visa-pin/' \
	    -e 's/^record 3 4 .*/& 9F2E/' -e '$a record 3 5 9F2D 9F2F?' \
	    "$d/profiles/visa-dda.profile" >"$d/profiles/visa-pin.profile"
	emv-import "$TOP/tests/data/sample.csv" | emv-profile -d "$d/profiles" |
	    emv-derive -a imk-ac -i imk-smi -c imk-smc -k kek2 |
	    emv-track -v cvk | emv-records >"$d/records.txt"
}

# card ID FILE OUT: the record with id ID of FILE into OUT.
card() {
	grep "^id=$1 " "$2" >"$3"
}

# icc_sda FILE: the static data to be authenticated of the card in FILE,
# rebuilt as a terminal reads it (EMV 4.4 Book 3, 10.3): the ODA records
# the AFL (94) names, in its order, each a record DGI, without 70 and its
# length for SFI 1-10, then the AIP when 9F4A lists it.
icc_sda() {
	local afl out= i sfi first n r dgi
	afl=$(oda_val 94 "$1")
	for ((i = 0; i < ${#afl}; i += 8)); do
		sfi=$((16#${afl:i:2} >> 3))
		first=$((16#${afl:i+2:2}))
		n=$((16#${afl:i+6:2}))
		for ((r = first; r < first + n; r++)); do
			dgi=$(oda_val "$(printf 'DGI%02X%02X' "$sfi" "$r")" "$1")
			if [ "$sfi" -le 10 ]; then
				if [ "${dgi:2:2}" = 81 ]; then
					dgi=${dgi:6}
				else
					dgi=${dgi:4}
				fi
			fi
			out=$out$dgi
		done
	done
	[ "$(oda_val 9F4A "$1")" != 82 ] || out=$out$(oda_val 82 "$1")
	printf '%s\n' "$out"
}

# icc_pan_hash FILE: SHA-256 over 5A and 5F34 (00 when absent), by openssl.
icc_pan_hash() {
	local psn
	psn=$(oda_val 5F34 "$1")
	printf '%s%s' "$(oda_val 5A "$1")" "${psn:-00}" | oda_bin |
	    openssl dgst -sha256 -binary | oda_hex
}

# icc_issuer_pem REQ PEM: the issuer public key of request REQ as PEM.
icc_issuer_pem() {
	oda_pem "$(oda_val modulus "$1")" "$(oda_val 9F32 "$1")" "$2"
}

# icc_check_ssad FILE REQ: the 93 of the card in FILE, recovered by openssl
# under the issuer key of request REQ (EMV 4.4 Book 2, 5.4, table 7):
# 6A 03 01, the data authentication code, BB padding, the SHA-1 of format
# .. padding and the static data, BC.  Prints what is wrong and fails.
icc_check_ssad() {
	local pem=$BATS_TEST_TMPDIR/issuer.pem rec mod n dac
	mod=$(oda_val modulus "$2")
	n=$((${#mod} / 2))
	icc_issuer_pem "$2" "$pem" || { echo "cannot make the issuer PEM"; return 1; }
	rec=$(oda_recover "$pem" "$(oda_val 93 "$1")") ||
	    { echo "openssl cannot recover 93"; return 1; }
	[ ${#rec} -eq ${#mod} ] || { echo "93 is not N_I long"; return 1; }
	dac=$(oda_val 9F45 "$1")
	[ -n "$dac" ] || dac=$(icc_pan_hash "$1" | cut -c1-4)
	[ "${rec:0:10}" = "6A0301$dac" ] ||
	    { echo "recovered ${rec:0:10}, want 6A0301$dac"; return 1; }
	[ -z "$(printf '%s' "${rec:10:$(((n - 26) * 2))}" | tr -d B)" ] ||
	    { echo "padding is not BB"; return 1; }
	[ "${rec: -2}" = BC ] || { echo "trailer ${rec: -2}"; return 1; }
	[ "$(oda_sha1 "${rec:2:$(((n - 22) * 2))}$(icc_sda "$1")")" = \
	    "${rec:$(((n - 21) * 2)):40}" ] || { echo "hash does not match"; return 1; }
}

# icc_check_cert FILE REQ [PIN]: the ICC public key certificate of the
# card in FILE (9F46, 9F48, 9F47; with PIN the PIN encipherment one,
# 9F2D, 9F2F, 9F2E, over no static data) recovered by openssl under the
# issuer key of REQ (Book 2, 6.4, table 14): 6A 04, the PAN F-padded, the
# card's expiry MMYY, the serial (SHA-256 of PAN and PSN), 01 01, the key
# and exponent lengths, the modulus (leftmost digits and remainder, or BB
# padding), SHA-1, BC.  Sets icc_mod to the certified modulus.
icc_check_cert() {
	local pem=$BATS_TEST_TMPDIR/issuer.pem rec mod n c=9F46 r=9F48 x=9F47
	local sda pan exp left nic want xv
	[ -z "${3:-}" ] || { c=9F2D r=9F2F x=9F2E; }
	mod=$(oda_val modulus "$2")
	n=$((${#mod} / 2))
	icc_issuer_pem "$2" "$pem" || { echo "cannot make the issuer PEM"; return 1; }
	rec=$(oda_recover "$pem" "$(oda_val $c "$1")") ||
	    { echo "openssl cannot recover $c"; return 1; }
	[ ${#rec} -eq ${#mod} ] || { echo "$c is not N_I long"; return 1; }
	pan=$(oda_val 5A "$1")
	while [ ${#pan} -lt 20 ]; do pan=${pan}F; done
	exp=$(oda_val 5F24 "$1")
	nic=$((16#${rec:38:2}))
	want=6A04$pan${exp:2:2}${exp:0:2}$(icc_pan_hash "$1" | cut -c1-6)0101
	[ "${rec:0:38}" = "$want" ] ||
	    { echo "recovered ${rec:0:38}, want $want"; return 1; }
	xv=$(oda_val $x "$1")
	[ "${rec:40:2}" = "$(printf '%02X' $((${#xv} / 2)))" ] ||
	    { echo "exponent length ${rec:40:2}"; return 1; }
	[ "${rec: -2}" = BC ] || { echo "trailer ${rec: -2}"; return 1; }
	left=${rec:42:$(((n - 42) * 2))}
	if [ "$nic" -gt $((n - 42)) ]; then
		icc_mod=$left$(oda_val $r "$1")
	else
		icc_mod=${left:0:$((nic * 2))}
		[ -z "$(printf '%s' "${left:$((nic * 2))}" | tr -d B)" ] &&
		    [ -z "$(oda_val $r "$1")" ] || { echo "BB padding or $r wrong"; return 1; }
	fi
	[ ${#icc_mod} -eq $((nic * 2)) ] || { echo "modulus length"; return 1; }
	sda=
	[ -n "${3:-}" ] || sda=$(icc_sda "$1")
	[ "$(oda_sha1 "${rec:2:$(((n - 22) * 2))}$(oda_val $r "$1")$(oda_val $x "$1")$sda")" = \
	    "${rec:$(((n - 21) * 2)):40}" ] || { echo "hash does not match"; return 1; }
}

# icc_open KEK HEX: decrypt a sealed DGI under the clear test KEK (name
# from tests/data/test-keys.txt), as the personalization device would.
icc_open() {
	local alg key
	read -r _ _ alg key < <(grep "^$1 " "$TOP/tests/data/test-keys.txt")
	case $alg in
	3des2) printf '%s' "$2" | oda_bin |
	    openssl enc -d -des-ede -K "$key" -nopad | oda_hex ;;
	aes256) printf '%s' "$2" | oda_bin |
	    openssl enc -d -aes-256-cbc -K "$key" -iv 00000000000000000000000000000000 -nopad |
	    oda_hex ;;
	esac
}

# icc_check_crt FILE KEK MOD EXP [BASE]: DGIs BASE+1..5 (default 8200) of
# the card in FILE, opened under KEK, are qInv, dQ, dP, q, p of the key
# with modulus MOD and exponent EXP: each half the modulus long, p * q =
# n, e * dP = 1 mod (p - 1), e * dQ = 1 mod (q - 1), q * qInv = 1 mod p.
icc_check_crt() {
	local b=${5:-82} i v half=$((${#3} / 2 + ${#3} / 2 % 2)) parts=()
	for i in 1 2 3 4 5; do
		v=$(icc_open "$2" "$(oda_val "DGI${b}0$i" "$1")")
		[ ${#v} -ge "$half" ] || { echo "DGI${b}0$i too short"; return 1; }
		parts+=("${v:0:$half}")
	done
	perl -MMath::BigInt -e '
		my ($qi, $dq, $dp, $q, $p, $n, $e) =
		    map { Math::BigInt->from_hex($_) } @ARGV;
		my $one = Math::BigInt->new(1);
		exit 1 unless $p * $q == $n;
		exit 2 unless ($e * $dp) % ($p - 1) == $one;
		exit 3 unless ($e * $dq) % ($q - 1) == $one;
		exit 4 unless ($q * $qi) % $p == $one;
		exit 5 unless $p > $q;
	' "${parts[@]}" "$3" "$4" || { echo "CRT components wrong ($?)"; return 1; }
}

# icc_check_plain FILE KEK MOD EXP: with -n, DGI 8103 is the modulus and
# 8101 a private exponent d of it: (m^d)^e = m mod n.
icc_check_plain() {
	local n d
	n=$(icc_open "$2" "$(oda_val DGI8103 "$1")")
	d=$(icc_open "$2" "$(oda_val DGI8101 "$1")")
	[ "${n:0:${#3}}" = "$3" ] || { echo "8103 is not the modulus"; return 1; }
	perl -MMath::BigInt -e '
		my ($d, $n, $e) = map { Math::BigInt->from_hex($_) } @ARGV;
		my $m = Math::BigInt->from_hex("6A0123456789ABCDEF");
		exit 1 unless $m->copy->bmodpow($d, $n)->bmodpow($e, $n) == $m;
	' "${d:0:${#3}}" "$3" "$4" || { echo "8101 is not d"; return 1; }
}

# icc_scan FILES...: no clear test key, LMK or PIN appears in the files.
icc_scan() {
	local hex bad=0 f
	while read -r _ _ _ hex; do
		for f in "$hex" "${hex,,}"; do
			assert_no_secret "$f" "$@" || bad=1
		done
	done < <(grep -v -e '^#' -e '^$' "$TOP/tests/data/test-keys.txt")
	for f in $(find "$BATS_FILE_TMPDIR" -name '*.lmk' -type f); do
		assert_no_secret "$(oda_hex <"$f")" "$@" || bad=1
	done
	return "$bad"
}
