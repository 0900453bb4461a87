#!/bin/sh
# demo-ca.sh: the test certificate chain of the demonstration (make demo).
#
# usage: demo-ca.sh [dir]
#
# In the key store EMVPERSO_KEYSTORE (a test store; its LMK EMVPERSO_LMK),
# make a test CA per payment system and a certified issuer key per
# system, and leave the CA public key list in dir/capk.txt (dir: DEMO_DIR,
# else demo/), with each issuer's request and certificate beside it:
#
#   system       CA key             issuer key    BIN     certificate
#   Visa         ca-A000000003-E1   issuer-visa   476173  12/49
#   Mastercard   ca-A000000004-E1   issuer-mc     541333  12/49
#
# The CAs are 1408 bits and the issuer keys 1152 bits, exponent 3, as
# issuers use.  Index E1 is published by neither system (see
# tests/data/capk-public.txt), so a demo CA is never taken for a published
# test key.  The store must not hold these keys yet (the demo makes a new
# store each time).  A site changes a step by defining make_ca or
# make_issuer in the file named by EMVPERSO_SITE (pipelines/stages.sh).
set -eu
prog=demo-ca
top=$(cd "$(dirname "$0")/.." && pwd)
# The tools of the tree, or of the build the tests name in EMV_BIN.
PATH=${EMV_BIN:+$EMV_BIN:}$top/bin:$PATH
. "$top/pipelines/stages.sh"

out=${1:-${DEMO_DIR:-$top/demo}}
[ $# -le 1 ] || { echo "usage: demo-ca.sh [dir]" >&2; exit 2; }
: "${EMVPERSO_KEYSTORE:?demo-ca: set EMVPERSO_KEYSTORE to the test key store}"

CA_BITS=${CA_BITS:-1408}
ISSUER_BITS=${ISSUER_BITS:-1152}
CA_EXPIRY=2049-12-31
CERT_EXPIRY=1249

# make_ca RID: a test CA of that RID, index E1.
make_ca() {
	emv-ca init "$1" E1 "$CA_BITS" 3 "$CA_EXPIRY" >/dev/null
}

# make_issuer NAME BIN RID: an issuer key, its request, the certificate of
# the CA of RID, imported after it is checked against dir/capk.txt.
make_issuer() {
	emv-keys generate "$1" issuer-rsa "rsa$ISSUER_BITS" >/dev/null
	emv-keys request "$1" -b "$2" -x "$CERT_EXPIRY" >"$out/$1.req"
	emv-ca sign "ca-$3-E1" "$out/$1.req" >"$out/$1.cert.tmp"
	mv "$out/$1.cert.tmp" "$out/$1.cert"
	emv-keys import -c "$1" -l "$out/capk.txt" <"$out/$1.cert" >/dev/null
}

load_site
umask 077
mkdir -p "$out"
make_ca A000000003
make_ca A000000004
emv-ca export ca-A000000003-E1 ca-A000000004-E1 >"$out/capk.txt.tmp"
mv "$out/capk.txt.tmp" "$out/capk.txt"
make_issuer issuer-visa 476173 A000000003
make_issuer issuer-mc 541333 A000000004
echo "$prog: test CAs A000000003 E1 and A000000004 E1, issuer keys issuer-visa and issuer-mc; CA key list $out/capk.txt"
