# oda.bash: helpers for the tests of emv-ca and of issuer keys in
# emv-keys (load oda).  They check EMV certificates with the openssl
# command alone, apart from emvperso: RSA recovery by
# `openssl pkeyutl -verifyrecover` without padding, SHA-1 by
# `openssl dgst -sha1`.

# oda_val NAME FILE: the value of field NAME in the first record of FILE.
oda_val() {
	grep -v -e '^#' -e '^$' "$2" | head -n 1 | tr ' ' '\n' |
	    sed -n "s/^$1=//p"
}

# oda_bin: hex on stdin to bytes on stdout.
oda_bin() {
	tr -d ' \n' | basenc --base16 -d
}

# oda_hex: bytes on stdin to uppercase hex on one line.
oda_hex() {
	od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# oda_pem MODULUS EXPONENT OUT: the RSA public key as a PEM file, built by
# openssl asn1parse from its two integers (RFC 8017 RSAPublicKey).
oda_pem() {
	printf 'asn1=SEQUENCE:k\n[k]\nn=INTEGER:0x%s\ne=INTEGER:0x%s\n' \
	    "$1" "$2" >"$3.cnf"
	openssl asn1parse -genconf "$3.cnf" -out "$3.der" -noout &&
	    openssl rsa -RSAPublicKey_in -inform DER -in "$3.der" -pubout \
	    -out "$3" 2>/dev/null
}

# oda_recover PEM HEX: the RSA public operation on HEX, no padding, in hex;
# fails when openssl cannot (a value not below the modulus).
oda_recover() {
	local out
	out=$(printf '%s' "$2" | oda_bin | openssl pkeyutl -verifyrecover \
	    -pubin -inkey "$1" -pkeyopt rsa_padding_mode:none 2>/dev/null |
	    oda_hex) || return 1
	[ -n "$out" ] && printf '%s\n' "$out"
}

# oda_sha1 HEX: SHA-1 of the bytes, uppercase hex.
oda_sha1() {
	printf '%s' "$1" | oda_bin | openssl dgst -sha1 -binary | oda_hex
}

# oda_capk_ok LINE: the checksum of a CA public key list line is SHA-1 of
# rid, 9F22, modulus and exponent.
oda_capk_ok() {
	local f=$BATS_TEST_TMPDIR/capk.line
	printf '%s\n' "$1" >"$f"
	[ "$(oda_sha1 "$(oda_val rid "$f")$(oda_val 9F22 "$f")$(oda_val modulus "$f")$(oda_val exponent "$f")")" = "$(oda_val checksum "$f")" ]
}

# oda_check_issuer_cert CAPK CERT REQUEST: check the certificate line
# CERT (90, 92, 9F32) against the CA key of list file CAPK (its first
# line) and the request line REQUEST, by openssl: recovery, the fields of
# EMV 4.4 Book 2 table 6, the modulus rebuilt from the leftmost digits and
# the remainder, and the hash.  Prints what is wrong and fails.
oda_check_issuer_cert() {
	local pem=$BATS_TEST_TMPDIR/ca.pem cam mod rem exp rec n left hash bin want
	cam=$(oda_val modulus "$1")
	mod=$(oda_val modulus "$3")
	rem=$(oda_val 92 "$2")
	exp=$(oda_val 9F32 "$2")
	n=$((${#cam} / 2))
	oda_pem "$cam" "$(oda_val exponent "$1")" "$pem" ||
	    { echo "cannot make the CA PEM"; return 1; }
	rec=$(oda_recover "$pem" "$(oda_val 90 "$2")") ||
	    { echo "openssl cannot recover 90"; return 1; }
	[ ${#rec} -eq ${#cam} ] ||
	    { echo "90 is not of the CA modulus length"; return 1; }
	bin=$(oda_val bin "$3")
	while [ ${#bin} -lt 8 ]; do bin=${bin}F; done
	want=$(printf '6A02%s%s%s0101%02X%02X' "$bin" "$(oda_val expiry "$3")" \
	    "$(oda_val serial "$3")" $((${#mod} / 2)) $((${#exp} / 2)))
	[ "${rec:0:30}" = "$want" ] ||
	    { echo "recovered ${rec:0:30}, want $want"; return 1; }
	[ "${rec: -2}" = BC ] || { echo "trailer ${rec: -2}"; return 1; }
	left=${rec:30:$(((n - 36) * 2))}
	hash=${rec:$(((n - 21) * 2)):40}
	if [ ${#mod} -gt ${#left} ]; then
		[ "$left$rem" = "$mod" ] ||
		    { echo "leftmost digits and 92 are not the modulus"; return 1; }
	else
		[ "${left:0:${#mod}}" = "$mod" ] && [ -z "$rem" ] &&
		    [ -z "$(printf '%s' "${left:${#mod}}" | tr -d B)" ] ||
		    { echo "modulus, BB padding or 92 wrong"; return 1; }
	fi
	[ "$(oda_sha1 "${rec:2:$(((n - 22) * 2))}$rem$exp")" = "$hash" ] ||
	    { echo "hash does not match"; return 1; }
}

# oda_reason PEM HEX: what a verifier must say of a certificate HEX that
# does not recover to a frame under PEM (found by openssl).
oda_reason() {
	local rec
	if ! rec=$(oda_recover "$1" "$2"); then
		echo "does not recover under this key (not below its modulus)"
	elif [ "${rec: -2}" != BC ]; then
		echo "does not recover under this key (trailer is not BC)"
	elif [ "${rec:0:2}" != 6A ]; then
		echo "does not recover under this key (header is not 6A)"
	else
		echo "wrong format or hash"
	fi
}

# oda_flip HEX POS: HEX with the byte at POS XORed with 01.
oda_flip() {
	local h=$1 p=$(($2 * 2))
	printf '%s%02X%s\n' "${h:0:p}" $((16#${h:p:2} ^ 1)) "${h:p+2}"
}

# oda_public_only FILE...: every run of 16 or more hex digits in the
# files is the value of a public field (a modulus, certificate,
# remainder, checksum, MAC or wrapped key): no other long hex leaks.
oda_public_only() {
	local f bad=0
	for f; do
		if sed -E 's/(^| )(modulus|ca-modulus|90|92|93|9F46|9F48|9F4B|checksum|ca-checksum|mac|check|key)=[0-9A-F]+//g' "$f" |
		    grep -Eq '[0-9A-Fa-f]{16}'; then
			echo "long hex outside the public fields in $f" >&2
			bad=1
		fi
	done
	return "$bad"
}
