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
#   Visa         ca-A000000003-92   issuer-visa   476173  12/49
#   Mastercard   ca-A000000004-F1   issuer-mc     541333  12/49
#
# The CAs are 1408 bits and the issuer keys 1152 bits, exponent 3, as
# issuers use.  The indexes are the ones the shipped profiles name (8F):
# those of the systems' own 1408-bit test keys, so the profiles read as a
# test product would.  Our CA keys are not the published ones: a CA key
# list never mixes the two (demo/capk.txt holds only the demo CAs, and
# tests/data/capk-public.txt only the published keys).  The store must
# not hold these keys yet (the demo makes a new
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

# make_ca RID INDEX: a test CA.
make_ca() {
	emv-ca init "$1" "$2" "$CA_BITS" 3 "$CA_EXPIRY" >/dev/null
}

# make_issuer NAME BIN CA: an issuer key, its request, the certificate of
# the CA key named CA, imported after it is checked against dir/capk.txt.
make_issuer() {
	emv-keys generate "$1" issuer-rsa "rsa$ISSUER_BITS" >/dev/null
	emv-keys request "$1" -b "$2" -x "$CERT_EXPIRY" >"$out/$1.req"
	emv-ca sign "$3" "$out/$1.req" >"$out/$1.cert.tmp"
	mv "$out/$1.cert.tmp" "$out/$1.cert"
	emv-keys import -c "$1" -l "$out/capk.txt" <"$out/$1.cert" >/dev/null
}

load_site
umask 077
mkdir -p "$out"
make_ca A000000003 92
make_ca A000000004 F1
emv-ca export ca-A000000003-92 ca-A000000004-F1 >"$out/capk.txt.tmp"
mv "$out/capk.txt.tmp" "$out/capk.txt"
make_issuer issuer-visa 476173 ca-A000000003-92
make_issuer issuer-mc 541333 ca-A000000004-F1
echo "$prog: test CAs A000000003 92 and A000000004 F1, issuer keys issuer-visa and issuer-mc; CA key list $out/capk.txt"
