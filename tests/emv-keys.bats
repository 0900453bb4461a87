#!/usr/bin/env bats
# emv-keys: the key store.  Every test ends by scanning every stream it
# captured and every file of every store for the clear keys it used.
load helper
load oda

PASS='correct horse battery staple'
IMK=0123456789ABCDEFFEDCBA9876543210	# pyemv's IMK, KCV 08D7B4 (V1)
# Key components: made up for these tests; their KCVs are computed here
# with openssl(1), independently of emv-keys.
C1=1C2A3B4C5D6E7F8091A2B3C4D5E6F708
C2=E0D1C2B3A4958677685948372A1B0C0D
C3=0F1E2D3C4B5A69788796A5B4C3D2E1F0
C24A=1C2A3B4C5D6E7F8091A2B3C4D5E6F7081C2A3B4C5D6E7F80
C24B=E0D1C2B3A4958677685948372A1B0C0DE0D1C2B3A4958677
C24C=0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A6978

setup() {
	cd "$BATS_TEST_TMPDIR"
	unset EMVPERSO_LMK EMVPERSO_KEYSTORE
	mkdir -p streams
	nrun=0
	SECRETS="$PASS $IMK $C1 $C2 $C3 $C24A $C24B $C24C"
	SECRETS="$SECRETS $(awk '!/^#/ && NF == 4 { print $4 }' "$DATA/test-keys.txt")"
	SECRETS="$SECRETS $(awk '!/^#/ && NF == 5 { print $2, $4 }' "$VEC/tr31-blocks.txt")"
}

# No clear key, component, passphrase or LMK in any stream or store file; no
# run of 16 hex digits (a generated key) in any stream but a key block.
# (bats does not stop a teardown at a failed command: count them.)
teardown() {
	local s files streams bad=0
	files=$(find . -type f ! -name '*.lmk')
	[ -n "$files" ] || return 0
	# The LMKs, as hex, are secrets too.
	for s in $SECRETS $(for f in $(find . -name '*.lmk' -type f); do hex <"$f"; echo; done); do
		assert_no_secret "$s" $files || bad=1
		assert_no_secret "$(printf '%s' "$s" | tr A-F a-f)" $files || bad=1
	done
	streams=$(find streams -name '*.out' -o -name '*.err')
	if [ -n "$streams" ] && grep -El '[0-9A-Fa-f]{16}' $streams; then
		echo "a run of 16 hex digits in a stream" >&2
		bad=1
	fi
	# Issuer key requests and certificates (pk): public fields only.
	files=$(find pub -type f 2>/dev/null; find . -name '*.req' -o -name '*.cert' -o -name '*.ca')
	if [ -n "$files" ]; then
		oda_public_only $files || bad=1
	fi
	return "$bad"
}

# k ARGS...: run emv-keys, keeping its streams for the scan.  A key block
# on stdout is kept as .blk, out of the hex scan.
k() {
	run --separate-stderr emv-keys "$@"
	nrun=$((nrun + 1))
	if [[ "$output" =~ ^[A-D][0-9]{4} ]]; then
		printf '%s\n' "$output" >"streams/$nrun.blk"
	else
		printf '%s\n' "$output" >"streams/$nrun.out"
	fi
	printf '%s\n' "$stderr" >"streams/$nrun.err"
}

# refused STATUS MESSAGE: the last run exited STATUS, said exactly
# MESSAGE (after "emv-keys: ") on stderr, and wrote nothing on stdout.
refused() {
	[ "$status" -eq "$1" ]
	[ "$stderr" = "emv-keys: $2" ]
	[ "$output" = "" ]
}

# hex: standard input as uppercase hex, on one line.
hex() {
	od -An -v -tx1 | tr -d ' \n' | tr a-f A-F
}

# kcv3 HEX: the KCV of a triple-DES key, by openssl.
kcv3() {
	local c=-des-ede
	[ ${#1} -eq 48 ] && c=-des-ede3
	printf '\0\0\0\0\0\0\0\0' | openssl enc $c -nopad -K "$1" | hex |
	    cut -c1-6
}

# kcva HEX: the KCV of an AES key as GlobalPlatform defines it, by openssl.
kcva() {
	printf '\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1\1' |
	    openssl enc -aes-$((${#1} * 4))-ecb -nopad -K "$1" | hex | cut -c1-6
}

# xor HEX HEX...: the bytes of the operands XORed.
xor() {
	local out=$1 h i r
	shift
	for h; do
		r=
		for ((i = 0; i < ${#h}; i += 2)); do
			r=$r$(printf '%02X' $((0x${out:i:2} ^ 0x${h:i:2})))
		done
		out=$r
	done
	printf '%s\n' "$out"
}

# mode FILE: its permission bits in octal.
mode() {
	stat -c %a "$1"
}

# store DIR [-t]: a store locked by the LMK file DIR.lmk.
store() {
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/$1.lmk emv-keys -K "$1" init $2 >/dev/null
}

# sk DIR ARGS...: emv-keys on store DIR with its LMK file.
sk() {
	local d=$1
	shift
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/$d.lmk k -K "$d" "$@"
}

# put_clear DIR NAME TYPE ALG HEX: import -x a test key.
put_clear() {
	printf '%s\n' "$5" | EMVPERSO_LMK=$BATS_TEST_TMPDIR/$1.lmk \
	    emv-keys -K "$1" import -x "$2" "$3" "$4" >/dev/null
}

# ---------------------------------------------------------------- init

@test "keys: init a test store: directory 0700, files 0600, LMK made exclusively" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	k -K s init -t
	[ "$status" -eq 0 ]
	[ "$output" = "s: test key store created" ]
	[ "$stderr" = "" ]
	[ "$(mode s)" = 700 ]
	[ "$(mode s/store)" = 600 ]
	[ "$(mode s.lmk)" = 600 ]
	[ "$(stat -c %s s.lmk)" -eq 32 ]
	grep -q '^emvperso-store=1 test=1 lmk=file check=[0-9A-F]*$' s/store
	[ "$(ls -A s)" = store ]
}

@test "keys: init under umask 000 still makes 0700 and 0600" {
	umask 000
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	k -K s init
	[ "$status" -eq 0 ]
	k -K s generate x kek aes128
	[ "$status" -eq 0 ]
	[ "$(mode s)" = 700 ]
	[ "$(mode s/store)" = 600 ]
	[ "$(mode s/x.key)" = 600 ]
	[ "$(mode s.lmk)" = 600 ]
}

@test "keys: init a live store" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	k -K s init
	[ "$status" -eq 0 ]
	[ "$output" = "s: live key store created" ]
	grep -q '^emvperso-store=1 test=0 lmk=file check=' s/store
}

@test "keys: EMVPERSO_KEYSTORE names the store; keys is the default" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk EMVPERSO_KEYSTORE=env
	k init -t
	[ "$status" -eq 0 ]
	[ "$output" = "env: test key store created" ]
	unset EMVPERSO_KEYSTORE
	k init -t
	[ "$output" = "keys: test key store created" ]
	[ -f env/store ] && [ -f keys/store ]
}

@test "keys: init twice is refused and the store is kept" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	emv-keys -K s init -t >/dev/null
	cp s/store store.before
	k -K s init
	refused 3 "s: already a key store"
	cmp s/store store.before
}

@test "keys: init in a directory open to others is refused" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	mkdir -m 755 s
	k -K s init -t
	refused 3 "s: a key store directory must be mode 0700"
	[ ! -e s/store ] && [ ! -e s.lmk ]
}

@test "keys: a store made writable by group or others is refused" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	k -K s init -t
	[ "$status" -eq 0 ]
	chmod 770 s
	k -K s list
	refused 3 "key store s: writable by group or others (chmod 700 it)"
	chmod 700 s
	k -K s list
	[ "$status" -eq 0 ]
}

@test "keys: init will not write an LMK through a dangling symbolic link" {
	ln -s "$BATS_TEST_TMPDIR/target" s.lmk
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	k -K s init -t
	refused 3 "LMK file $BATS_TEST_TMPDIR/s.lmk: File exists"
	[ ! -e target ] && [ ! -e s/store ]
}

@test "keys: a second store may share an existing LMK file" {
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	emv-keys -K a init -t >/dev/null
	cp s.lmk lmk.before
	k -K b init -t
	[ "$status" -eq 0 ]
	cmp s.lmk lmk.before
	k -K b list
	[ "$status" -eq 0 ]
}

# ---------------------------------------------------------------- the LMK

@test "keys: another LMK file is the wrong LMK, exit 3, nothing written" {
	store s -t
	head -c 32 /dev/urandom >other.lmk
	ls s >before
	for cmd in list "kcv x" "generate x kek aes128" "delete x"; do
		EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk k -K s $cmd
		refused 3 "key store s: wrong LMK or passphrase"
	done
	ls s | diff before -
}

@test "keys: an LMK file that is a symbolic link is refused" {
	store s -t
	ln -s s.lmk link.lmk
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/link.lmk k -K s list
	refused 3 "LMK file $BATS_TEST_TMPDIR/link.lmk: is a symbolic link"
}

@test "keys: an LMK file readable by the group is refused" {
	store s -t
	chmod 640 s.lmk
	sk s list
	refused 3 "LMK file $BATS_TEST_TMPDIR/s.lmk: must be a regular file of mode 0600 or stricter"
	chmod 604 s.lmk
	sk s list
	refused 3 "LMK file $BATS_TEST_TMPDIR/s.lmk: must be a regular file of mode 0600 or stricter"
}

@test "keys: an LMK file of the wrong size is refused" {
	store s -t
	head -c 31 s.lmk >short.lmk
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/short.lmk k -K s list
	refused 3 "LMK file $BATS_TEST_TMPDIR/short.lmk: must hold exactly 32 bytes"
}

@test "keys: a store locked by an LMK file wants EMVPERSO_LMK" {
	store s -t
	k -K s list
	refused 3 "key store s is locked by an LMK file: set EMVPERSO_LMK"
}

@test "keys: passphrase store through -p FD: init, generate, list" {
	k -K p -p 3 init 3<<<"$PASS"
	[ "$status" -eq 0 ]
	[ "$output" = "p: live key store created" ]
	grep -q '^emvperso-store=1 test=0 lmk=passphrase salt=[0-9A-F]\{32\} check=' p/store
	k -K p -p 3 generate tk kek aes128 3<<<"$PASS"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^tk\ kek\ aes128\ [0-9A-F]{6}$ ]]
	k -K p -p 3 list 3<<<"$PASS"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^tk\ kek\ aes128\ [0-9A-F]{6}\ [0-9T:-]{19}Z$ ]]
	# -p wins over EMVPERSO_LMK.
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/none.lmk k -K p -p 3 kcv tk 3<<<"$PASS"
	[ "$status" -eq 0 ]
}

@test "keys: a wrong or short passphrase is refused" {
	emv-keys -K p -p 3 init -t 3<<<"$PASS" >/dev/null
	k -K p -p 3 list 3<<<"correct horse battery stapler"
	refused 3 "key store p: wrong LMK or passphrase"
	k -K p -p 3 list 3<<<"short"
	refused 3 "passphrase shorter than 8 characters"
	k -K q -p 3 init 3<<<"short"
	refused 3 "passphrase shorter than 8 characters"
	[ ! -e q/store ]
}

@test "keys: a passphrase store with no passphrase source says so" {
	emv-keys -K p -p 3 init -t 3<<<"$PASS" >/dev/null
	# No controlling terminal, so no prompt.
	run --separate-stderr setsid -w emv-keys -K p list </dev/null
	refused 3 "cannot read the passphrase (no terminal? set EMVPERSO_LMK to an LMK file)"
}

# ---------------------------------------------------------------- generate

@test "keys: generate every allowed type and algorithm" {
	store s
	for ta in imk-ac:3des2 imk-smi:3des2 imk-smc:3des2 kek:3des2 kek:3des3 \
	    kek:aes128 kek:aes192 kek:aes256 kmc:3des2 kmc:aes128 kmc:aes192 \
	    kmc:aes256 cvk:3des2 pvk:3des2; do
		t=${ta%:*} a=${ta#*:}
		sk s generate "$t-$a" "$t" "$a"
		[ "$status" -eq 0 ]
		[ "$stderr" = "" ]
		[[ "$output" =~ ^$t-$a\ $t\ $a\ ([0-9A-F]{6})$ ]]
		kcv=${BASH_REMATCH[1]}
		[ "$(mode "s/$t-$a.key")" = 600 ]
		grep -Eq "^name=$t-$a type=$t alg=$a kcv=$kcv test=0 created=[0-9T:-]{19}Z key=[0-9A-F]+$" "s/$t-$a.key"
		sk s kcv "$t-$a"
		[ "$output" = "$kcv" ]
	done
	[ -z "$(find s -name '.tmp*')" ]
}

@test "keys: generate RSA keys for issuer-rsa and ca-rsa; their KCV is -" {
	store s -t
	sk s generate iss issuer-rsa rsa1024
	[ "$status" -eq 0 ]
	[ "$output" = "iss issuer-rsa rsa1024 - test" ]
	sk s generate ca ca-rsa rsa1408
	[ "$status" -eq 0 ]
	[ "$output" = "ca ca-rsa rsa1408 - test" ]
	sk s kcv ca
	[ "$output" = "-" ]
	grep -q '^name=iss type=issuer-rsa alg=rsa1024 test=1 created=' s/iss.key
}

@test "keys: generate refuses algorithms a type does not take" {
	store s
	for ta in imk-ac:aes128 imk-smi:3des3 imk-smc:aes256 cvk:aes128 \
	    pvk:aes256 cvk:3des3 kmc:3des3 kek:rsa1024 imk-ac:rsa1024 \
	    issuer-rsa:3des2 ca-rsa:aes128; do
		t=${ta%:*} a=${ta#*:}
		sk s generate x "$t" "$a"
		refused 1 "key x: a $t key cannot be $a"
		[ ! -e s/x.key ]
	done
}

@test "keys: generate: unknown type, algorithm or bad name is a usage error" {
	store s
	sk s generate x nokind 3des2
	refused 2 "nokind: unknown key type"
	sk s generate x kek des
	refused 2 "des: unknown algorithm"
	sk s generate ../x kek aes128
	refused 2 "../x: not a valid key name"
	sk s generate .x kek aes128
	refused 2 ".x: not a valid key name"
	sk s generate x issuer-rsa rsa99999
	refused 2 "rsa99999: not an RSA size"
	[ "$(ls s)" = store ]
}

@test "keys: generate over an existing name is refused, the key kept" {
	store s
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk emv-keys -K s generate x kek aes128 >/dev/null
	cp s/x.key before
	sk s generate x kek aes128
	refused 1 "key x: already exists"
	cmp s/x.key before
}

# ---------------------------------------------------------------- import

@test "keys: import a 3des2 key from two components and their KCVs" {
	store s
	want=$(kcv3 "$(xor "$C1" "$C2")")
	k1=$(kcv3 "$C1") k2=$(kcv3 "$C2")
	sk s import ac imk-ac < <(printf '%s\n' "$C1" "$k1" "$C2" "$k2")
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "ac imk-ac 3des2 $want" ]
	grep -q "^name=ac type=imk-ac alg=3des2 kcv=$want test=0 " s/ac.key
}

@test "keys: import a 3des3 KEK and an AES KMC from three components" {
	store s
	want=$(kcv3 "$(xor "$C24A" "$C24B" "$C24C")")
	sk s import -n 3 zmk kek 3des3 < <(printf '%s\n' "$C24A" \
	    "$(kcv3 "$C24A")" "$C24B" "$(kcv3 "$C24B")" "$C24C" "$(kcv3 "$C24C")")
	[ "$status" -eq 0 ]
	[ "$output" = "zmk kek 3des3 $want" ]
	want=$(kcva "$(xor "$C1" "$C2" "$C3")")
	sk s import -n 3 kmc kmc aes128 < <(printf '%s\n' "$C1" "$(kcva "$C1")" \
	    "$C2" "$(kcva "$C2")" "$C3" "$(kcva "$C3" | tr A-F a-f)")
	[ "$status" -eq 0 ]
	[ "$output" = "kmc kmc aes128 $want" ]
}

@test "keys: a mistyped component is caught by its KCV; nothing stored" {
	store s
	bad=${C2:0:31}9
	sk s import ac imk-ac < <(printf '%s\n' "$C1" "$(kcv3 "$C1")" "$bad" \
	    "$(kcv3 "$C2")")
	refused 1 "component 2: KCV does not match: component mistyped?"
	[ ! -e s/ac.key ]
	sk s import ac imk-ac < <(printf '%s\n' "${C1:0:30}")
	refused 1 "component 1: want 32 hex digits"
	sk s import ac imk-ac < <(printf '%s\n' "$C1" "$(kcv3 "$C1")")
	refused 1 "component 2: cannot read it"
	[ ! -e s/ac.key ]
	sk s import -n 4 ac imk-ac </dev/null
	refused 2 "-n 4: components: 2 or 3"
	sk s import ac issuer-rsa </dev/null
	refused 2 "rsa1024: components make symmetric keys only"
}

@test "keys: import -x of a clear key: test stores only" {
	store live
	sk live import -x ac imk-ac 3des2 <<<"$IMK"
	refused 1 "ac: clear key import refused: not a test store"
	[ ! -e live/ac.key ]
	store t -t
	sk t import -x ac imk-ac 3des2 <<<"$IMK"
	[ "$status" -eq 0 ]
	[ "$output" = "ac imk-ac 3des2 08D7B4 test" ]
	sk t import -x ac2 imk-ac 3des2 <<<"${IMK:0:30}"
	refused 1 "ac2: want 32 hex digits on stdin"
	sk t import -x iss issuer-rsa rsa1024 </dev/null
	refused 2 "rsa1024: clear import takes symmetric keys only"
}

@test "keys: the test store of the test suites: every key, KCVs as published" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	k list
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(awk '!/^#/ && NF == 4' "$DATA/test-keys.txt" | wc -l)" ]
	k kcv imk-ac
	[ "$output" = 08D7B4 ]
	k kcv kek1
	[ "$output" = "$(kcv3 89E88CF7931444F334BD7547FC3F380C)" ]
	k kcv kmc-aes
	[ "$output" = "$(kcva 404142434445464748494A4B4C4D4E4F)" ]
}

# ---------------------------------------------------------------- export and import -b

@test "keys: export and import -b move keys between two stores sharing a KEK" {
	store a -t
	store b -t
	put_clear a kek1 kek 3des2 89E88CF7931444F334BD7547FC3F380C
	put_clear b kek1 kek 3des2 89E88CF7931444F334BD7547FC3F380C
	for ta in imk-ac:3des2:E0TX imk-smc:3des2:E1TX imk-smi:3des2:E2TX \
	    kmc:3des2:E5TX cvk:3des2:C0TC pvk:3des2:V2TC kek:3des2:K0TB; do
		IFS=: read -r t a h <<<"$ta"
		EMVPERSO_LMK=$BATS_TEST_TMPDIR/a.lmk emv-keys -K a generate "m-$t" "$t" "$a" >/dev/null
		sk a kcv "m-$t"
		want=$output
		sk a export "m-$t" -k kek1
		[ "$status" -eq 0 ]
		[[ "$output" =~ ^B0080${h}00E0000[0-9A-F]{64}$ ]]
		[ "$stderr" = "emv-keys: m-$t exported under kek1, KCV $want" ]
		sk b import -b "m-$t" -k kek1 <<<"$output"
		[ "$status" -eq 0 ]
		[ "$output" = "m-$t $t $a $want test" ]
		sk b kcv "m-$t"
		[ "$output" = "$want" ]
	done
}

@test "keys: AES KEK: version D blocks; import -b -k KEK NAME works too" {
	store a -t
	store b -t
	K=88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6
	put_clear a zmk kek aes256 "$K"
	put_clear b zmk kek aes256 "$K"
	for ta in kmc:aes128:E5AX kmc:aes256:E5AX kek:3des3:K0TB kek:aes192:K0AB \
	    imk-ac:3des2:E0TX; do
		IFS=: read -r t a h <<<"$ta"
		EMVPERSO_LMK=$BATS_TEST_TMPDIR/a.lmk emv-keys -K a generate "m-$a-$t" "$t" "$a" >/dev/null
		sk a export "m-$a-$t" -k zmk
		[ "$status" -eq 0 ]
		[[ "$output" =~ ^D[0-9]{4}${h}00E0000[0-9A-F]+$ ]]
		sk b import -b -k zmk "m-$a-$t" <<<"$output"
		[ "$status" -eq 0 ]
		sk a kcv "m-$a-$t"
		want=$output
		sk b kcv "m-$a-$t"
		[ "$output" = "$want" ]
	done
}

@test "keys: a key moves between two live stores under a KEK from components" {
	store a
	store b
	for d in a b; do
		printf '%s\n' "$C1" "$(kcv3 "$C1")" "$C2" "$(kcv3 "$C2")" |
		    EMVPERSO_LMK=$BATS_TEST_TMPDIR/$d.lmk emv-keys -K "$d" import zmk kek 3des2 >/dev/null
	done
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/a.lmk emv-keys -K a generate ac imk-ac 3des2 >/dev/null
	sk a export ac -k zmk
	[ "$status" -eq 0 ]
	sk b import -b ac -k zmk <<<"$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ac\ imk-ac\ 3des2\ [0-9A-F]{6}$ ]]
	got=$output
	sk a list
	[[ "$output" == "ac imk-ac 3des2 ${got##* } "* ]]
	grep -q ' test=0 ' b/ac.key
}

@test "keys: export refuses a key under a weaker KEK, an RSA key, a non-KEK, itself" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	k export kek2-aes -k kek1
	refused 1 "kek2-aes: the 3des2 KEK kek1 is weaker than this aes256 key"
	k export kmc-aes -k kek2
	refused 1 "kmc-aes: the 3des2 KEK kek2 is weaker than this aes128 key"
	emv-keys generate iss issuer-rsa rsa1024 >/dev/null
	k export iss -k kek2-aes
	refused 1 "iss: issuer-rsa keys do not go in key blocks"
	k export kek1 -k imk-ac
	refused 1 "key imk-ac: a key of type imk-ac may not be used for this"
	k export kek1 -k kek1
	refused 1 "kek1: a key cannot be exported under itself"
	k export nosuch -k kek1
	refused 1 "key nosuch: not found"
	k export imk-ac -k nokek
	refused 1 "key nokek: not found"
}

@test "keys: import -b of the published TR-31 blocks under their KBPKs" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	# kek1, kek2, kek2-aes are the KBPKs of TR-31:2018 A.7.2.1, A.7.2.2
	# and A.7.4; the payShield KBPK is imported here.
	put_clear ts ps kek 3des2 EFE0853B256B583D868F251CE99EA1D9
	while read -r name kbpk block key kcv; do
		case $name in '#'*) continue ;; a721) kek=kek1 ;; a722) kek=kek2 ;;
		a74) kek=kek2-aes ;; *) kek=ps ;; esac
		k import -b "$name" -k "$kek" <<<"$block"
		[ "$status" -eq 1 ]
		[ "$output" = "" ]
		case $name in
		a7*) [ "$stderr" = "emv-keys: $name: key usage P0 has no key store type" ] ;;
		*) [ "$stderr" = "emv-keys: $name: exportability N (non-exportable) cannot be kept by this key store" ] ;;
		esac
		[ ! -e "ts/$name.key" ]
	done <"$VEC/tr31-blocks.txt"
}

@test "keys: import -b refuses an altered block, a wrong KEK, the wrong kind of KEK" {
	store a -t
	store b -t
	put_clear a kek1 kek 3des2 89E88CF7931444F334BD7547FC3F380C
	put_clear b kek1 kek 3des2 89E88CF7931444F334BD7547FC3F380C
	put_clear b kek2 kek 3des2 DD7515F2BFC17F85CE48F3CA25CB21F6
	put_clear b aes kek aes256 88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6
	put_clear a ac imk-ac 3des2 "$IMK"
	blk=$(EMVPERSO_LMK=$BATS_TEST_TMPDIR/a.lmk emv-keys -K a export ac -k kek1 2>/dev/null)
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/b.lmk
	mac="key block MAC does not verify: wrong KBPK or altered block"
	for pos in 6 11 20 50 70 79; do
		c=${blk:pos:1}
		[ "$c" = 0 ] && r=1 || r=0
		[ "$pos" -eq 11 ] && r=S
		k -K b import -b ac -k kek1 <<<"${blk:0:pos}$r${blk:pos+1}"
		refused 1 "ac: $mac"
	done
	k -K b import -b ac -k kek2 <<<"$blk"
	refused 1 "ac: $mac"
	k -K b import -b ac -k aes <<<"$blk"
	refused 1 "ac: a version B key block needs a triple-DES KBPK"
	k -K b import -b ac -k kek1 <<<"${blk:0:79}"
	refused 1 "ac: key block length field 0080 does not match its 79 characters"
	k -K b import -b ac -k kek1 </dev/null
	refused 1 "ac: no key block on stdin"
	k -K b import -b ac -k kek1 <<<B0016E0TX00E0000
	refused 1 "ac: key block encrypted key is not whole cipher blocks"
	[ ! -e b/ac.key ]
	k -K b import -b ac -k kek1 <<<"$blk"
	[ "$status" -eq 0 ]
	[ "$output" = "ac imk-ac 3des2 08D7B4 test" ]
	k -K b import -b ac -k kek1 <<<"$blk"
	refused 1 "key ac: already exists"
}

# ---------------------------------------------------------------- list, kcv, delete

@test "keys: list shows names, types, algorithms, KCVs and dates, never keys" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	emv-keys generate iss issuer-rsa rsa1024 >/dev/null
	k list
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	while read -r line; do
		[[ "$line" =~ ^[a-z0-9-]+\ [a-z-]+\ [a-z0-9]+\ ([0-9A-F]{6}|-)\ [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\ test$ ]]
	done <<<"$output"
	[ "$(printf '%s\n' "$output" | cut -d' ' -f1 | sort -c && echo sorted)" = sorted ]
	[[ "$output" == *"imk-ac imk-ac 3des2 08D7B4 "* ]]
	[[ "$output" == *"iss issuer-rsa rsa1024 - "* ]]
}

@test "keys: kcv and delete" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	k kcv imk-ac
	[ "$status" -eq 0 ]
	[ "$output" = 08D7B4 ]
	k delete imk-ac
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ ! -e ts/imk-ac.key ]
	k kcv imk-ac
	refused 1 "key imk-ac: not found"
	k delete imk-ac
	refused 1 "key imk-ac: not found"
	k delete ../store
	refused 1 "key ../store: not a valid key name"
	[ -f ts/store ]
}

# ---------------------------------------------------------------- tampering

@test "keys: a key file edited to change its type no longer loads" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	sed 's/ type=imk-ac / type=kek /' ts/imk-ac.key >edited
	cat edited >ts/imk-ac.key
	k kcv imk-ac
	refused 1 "key imk-ac: does not unwrap under this store's LMK, or its file was altered"
	k export kek2 -k imk-ac
	refused 1 "key imk-ac: does not unwrap under this store's LMK, or its file was altered"
}

@test "keys: a key file copied to another name or with its KCV edited is caught" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	sed 's/^name=kek1 /name=kek9 /' ts/kek1.key >ts/kek9.key
	k kcv kek9
	refused 1 "key kek9: does not unwrap under this store's LMK, or its file was altered"
	sed 's/ kcv=[0-9A-F]* / kcv=000000 /' ts/kek2.key >edited
	cat edited >ts/kek2.key
	k kcv kek2
	refused 1 "key kek2: key check value does not match"
}

@test "keys: a key file from another store (another LMK) does not load" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	store o -t
	put_clear o stray kek 3des2 89E88CF7931444F334BD7547FC3F380C
	cp o/stray.key ts/stray.key
	k kcv stray
	refused 1 "key stray: does not unwrap under this store's LMK, or its file was altered"
}

@test "keys: a key file replaced by a symbolic link is refused" {
	make_test_store "$BATS_TEST_TMPDIR/ts"
	mv ts/kek1.key elsewhere.key
	ln -s "$BATS_TEST_TMPDIR/elsewhere.key" ts/kek1.key
	k kcv kek1
	refused 1 "key kek1: is a symbolic link"
	k export imk-ac -k kek1
	refused 1 "key kek1: is a symbolic link"
	# list goes on with the other keys.
	k list
	[ "$status" -eq 1 ]
	[ "$stderr" = "emv-keys: key kek1: is a symbolic link" ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(($(ls ts | wc -l) - 2))" ]
	[[ "$output" != *kek1* ]]
	[[ "$output" == *"kek2 kek 3des2 "* ]]
}

@test "keys: a store file that is a symbolic link is refused" {
	store s -t
	mv s/store real
	ln -s "$BATS_TEST_TMPDIR/real" s/store
	sk s list
	refused 3 "key store s: store file: is a symbolic link (run emv-keys init?)"
}

# ---------------------------------------------------------------- usage

@test "keys: usage errors exit 2 with the synopsis" {
	store s -t
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/s.lmk
	for args in "" "frobnicate" "init -x" "init -t x" "-p" "-p abc list" \
	    "-p 99999 list" "generate x kek" "import" "import x" "import -x x kek" \
	    "import -b x" "import -b x -k" "import -b -x x -k kek1" "import -n 3 -b x -k k" \
	    "export x" "export x -k" "export x kek1" "list x" "kcv" "delete" \
	    "delete a b" "-Z list" "generate x issuer-rsa rsa1024 -e" \
	    "generate x issuer-rsa rsa1024 3" "request x" "request x -b 476173" \
	    "request -x 1230 -b 476173" "import -c x" "import -c x -l" \
	    "import -c -b x -l l" "import x -l l" "import -c x y -l l"; do
		k -K s $args </dev/null
		[ "$status" -eq 2 ]
		[ "$output" = "" ]
		case $args in
		"-p abc list"|"-p 99999 list") [[ "$stderr" == "emv-keys: -p "*": file descriptor "* ]] ;;
		"-p"|"-Z list") [ "$(sed 1d streams/$nrun.err)" = "$(cat "$DATA/keys-usage.err")" ] ;;
		*) diff streams/$nrun.err "$DATA/keys-usage.err" ;;
		esac
	done
	[ "$(ls s)" = store ]
}

# ---------------------------------------------------------------- issuer RSA keys

# pk ARGS...: emv-keys for the issuer key tests.  Its stdout holds public
# records (requests, certificates): kept in pub/ and checked by
# oda_public_only in teardown; stderr goes to streams/ for the usual scan.
pk() {
	run --separate-stderr emv-keys "$@"
	nrun=$((nrun + 1))
	mkdir -p pub
	printf '%s\n' "$output" >"pub/$nrun.out"
	printf '%s\n' "$stderr" >"streams/$nrun.err"
}

# chain: in the test store ts, a test CA A000000003 E1 (1408 bits, e=3),
# its key list capk.txt, an issuer key iss (1152 bits), its request
# iss.req and the CA's certificate iss.cert.
chain() {
	store ts -t
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk EMVPERSO_KEYSTORE=ts
	emv-ca init A000000003 E1 1408 3 2049-12-31 >/dev/null
	emv-ca export ca-A000000003-E1 >capk.txt
	emv-keys generate iss issuer-rsa rsa1152 >/dev/null
	emv-keys request iss -b 476173 -x 1230 >iss.req
	emv-ca sign ca-A000000003-E1 <iss.req >iss.cert
}

@test "keys: issuer-rsa keys: exponent 3 unless -e 65537; EMV sizes only" {
	store ts -t
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk EMVPERSO_KEYSTORE=ts
	pk generate iss issuer-rsa rsa1152
	[ "$status" -eq 0 ]
	[ "$output" = "iss issuer-rsa rsa1152 - test" ]
	pk generate iss65 issuer-rsa rsa1024 -e 65537
	[ "$output" = "iss65 issuer-rsa rsa1024 - test" ]
	pk generate -e 3 big issuer-rsa rsa1984
	[ "$output" = "big issuer-rsa rsa1984 - test" ]
	pk request iss -b 476173 -x 1230
	[[ "$output" =~ \ modulus=[0-9A-F]{288}\ 9F32=03\ test=1$ ]]
	pk request iss65 -b 476173 -x 1230
	[[ "$output" =~ \ modulus=[0-9A-F]{256}\ 9F32=010001\ test=1$ ]]
	pk request big -b 476173 -x 1230
	[[ "$output" =~ \ modulus=[0-9A-F]{496}\ 9F32=03\ test=1$ ]]
	for a in rsa2048 rsa1016 rsa1412; do
		pk generate x issuer-rsa $a
		refused 2 "$a: an EMV RSA key is 1024 to 1984 bits, a multiple of 8"
	done
	pk generate x issuer-rsa rsa1024 -e 5
	refused 2 "-e 5: the exponent is 3 or 65537"
	pk generate x kek aes128 -e 3
	refused 2 "-e 3: aes128 keys have no exponent"
	[ ! -e ts/x.key ]
}

@test "keys: request: the record line for the CA, kept as NAME.req" {
	store ts -t
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk EMVPERSO_KEYSTORE=ts
	emv-keys generate iss issuer-rsa rsa1024 >/dev/null
	pk request iss -b 476173 -x 1230
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[[ "$output" =~ ^key=iss\ bin=476173\ expiry=1230\ serial=000001\ modulus=[0-9A-F]{256}\ 9F32=03\ test=1$ ]]
	[ "$(mode ts/iss.req)" = 600 ]
	grep -q '^bin=476173 expiry=1230 serial=000001 mac=[0-9A-F]\{64\}$' ts/iss.req
	# A new request replaces the last one.
	pk request iss -x 0645 -s 00AB12 -b 54133300
	[[ "$output" =~ ^key=iss\ bin=54133300\ expiry=0645\ serial=00AB12\ modulus= ]]
	grep -q '^bin=54133300 expiry=0645 serial=00AB12 mac=' ts/iss.req
	[ -z "$(find ts -name '.tmp*')" ]
	pk request iss -b 47 -x 1230
	refused 2 "47: the BIN is 3 to 8 digits"
	pk request iss -b 476173 -x 1330
	refused 2 "1330: the expiry is MMYY"
	pk request iss -b 476173 -x 1230 -s 0001
	refused 2 "0001: the serial is 6 uppercase hex digits"
	pk request iss -b 476173 -x 0120
	refused 1 "key iss: expiry 0120 is past"
	put_clear ts k kek 3des2 "$IMK"
	pk request k -b 476173 -x 1230
	refused 1 "key k: type kek, not issuer-rsa"
	pk request nosuch -b 476173 -x 1230
	refused 1 "key nosuch: not found"
	grep -q '^bin=54133300 expiry=0645 ' ts/iss.req
	# A live store's request has no test mark.
	store live
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/live.lmk emv-keys -K live generate l issuer-rsa rsa1024 >/dev/null
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/live.lmk pk -K live request l -b 476173 -x 1230
	[[ "$output" =~ \ 9F32=03$ ]]
}

@test "keys: import -c: the test CA's certificate, checked by openssl, verified and kept" {
	chain
	oda_check_issuer_cert capk.txt iss.cert iss.req
	pk import -c iss -l capk.txt <iss.cert
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
	[ "$output" = "iss certified A000000003 E1 476173 1230 test" ]
	[ "$(mode ts/iss.cert)" = 600 ]
	grep -Eq "^bin=476173 expiry=1230 serial=000001 rid=A000000003 8F=E1 90=$(oda_val 90 iss.cert) 92=$(oda_val 92 iss.cert) 9F32=03 ca-modulus=$(oda_val modulus capk.txt) ca-exponent=03 ca-checksum=$(oda_val checksum capk.txt) mac=[0-9A-F]{64}$" ts/iss.cert
	# What was kept is the certificate openssl checked.
	oda_check_issuer_cert capk.txt ts/iss.cert iss.req
	pk import -l capk.txt -c iss <iss.cert
	refused 1 "key iss: already has a certificate"
	# The test CA's list and the published one together.
	cat "$DATA/capk-public.txt" capk.txt >all.txt
	emv-keys generate iss2 issuer-rsa rsa1024 -e 65537 >/dev/null
	emv-keys request iss2 -b 476173 -x 1230 >iss2.req
	emv-ca sign ca-A000000003-E1 <iss2.req >iss2.cert
	pk import -c iss2 -l all.txt <iss2.cert
	[ "$output" = "iss2 certified A000000003 E1 476173 1230 test" ]
	# Deleting a key takes its request and certificate with it.
	emv-keys delete iss
	[ ! -e ts/iss.key ] && [ ! -e ts/iss.req ] && [ ! -e ts/iss.cert ]
	[ -e ts/iss2.cert ]
}

@test "keys: import -c refuses a tampered certificate, a wrong CA list, another BIN, another key" {
	chain
	oda_pem "$(oda_val modulus capk.txt)" 03 ca.pem
	c90=$(oda_val 90 iss.cert)
	for pos in 0 50 175; do
		bad=$(oda_flip "$c90" $pos)
		sed "s/ 90=$c90/ 90=$bad/" iss.cert >bad.cert
		pk import -c iss -l capk.txt <bad.cert
		refused 1 "key iss: certificate does not verify: $(oda_reason ca.pem "$bad")"
	done
	c92=$(oda_val 92 iss.cert)
	sed "s/ 92=$c92/ 92=$(oda_flip "$c92" 3)/" iss.cert >bad.cert
	pk import -c iss -l capk.txt <bad.cert
	refused 1 "key iss: certificate does not verify: hash does not match"
	sed "s/ 92=$c92//" iss.cert >bad.cert
	pk import -c iss -l capk.txt <bad.cert
	refused 1 "key iss: certificate does not verify: remainder missing, not needed, or of the wrong length"
	sed "s/ 9F32=03/ 9F32=010001/" iss.cert >bad.cert
	pk import -c iss -l capk.txt <bad.cert
	refused 1 "key iss: certificate does not verify: exponent length differs from the certified one"
	# Another test CA of the same RID and index: the wrong list.
	store other -t
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk emv-ca -K other init A000000003 E1 1408 3 2049-12-31 >/dev/null
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk emv-ca -K other export ca-A000000003-E1 >other.txt
	oda_pem "$(oda_val modulus other.txt)" 03 other.pem
	pk import -c iss -l other.txt <iss.cert
	refused 1 "key iss: certificate does not verify: $(oda_reason other.pem "$c90")"
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk emv-ca -K other init A000000003 E2 1984 3 2049-12-31 >/dev/null
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/other.lmk emv-ca -K other export ca-A000000003-E2 | sed 's/9F22=E2/9F22=E1/' >long.txt
	# (its checksum no longer matches: the list is refused as damaged)
	pk import -c iss -l long.txt <iss.cert
	refused 1 "long.txt: line 1: checksum: does not match the key (SHA-1 of rid, index, modulus, exponent)"
	grep -v '^#' "$DATA/capk-public.txt" >nokey.txt
	pk import -c iss -l nokey.txt <iss.cert
	refused 1 "key iss: no test CA key A000000003 E1 in nokey.txt"
	pk import -c iss -l nosuch.txt <iss.cert
	refused 1 "nosuch.txt: No such file or directory"
	cat capk.txt capk.txt >twice.txt
	pk import -c iss -l twice.txt <iss.cert
	refused 1 "twice.txt: line 2: key listed twice"
	# A certificate for the BIN of an earlier request.
	emv-keys request iss -b 541333 -x 1230 >/dev/null
	pk import -c iss -l capk.txt <iss.cert
	refused 1 "key iss: certificate is for issuer 476173, not the BIN 541333 of the request"
	emv-keys request iss -b 476173 -x 1230 >/dev/null
	# Another key's certificate, same BIN.
	emv-keys generate iss2 issuer-rsa rsa1152 >/dev/null
	emv-keys request iss2 -b 476173 -x 1230 | emv-ca sign ca-A000000003-E1 >iss2.cert
	pk import -c iss -l capk.txt <iss2.cert
	refused 1 "key iss: certificate certifies another key"
	emv-keys generate iss3 issuer-rsa rsa1024 >/dev/null
	pk import -c iss3 -l capk.txt <iss.cert
	refused 1 "key iss3: no request was made for it (emv-keys request)"
	pk import -c iss -l capk.txt </dev/null
	refused 1 "iss: no certificate on stdin"
	sed 's/$/ err=key-size/' iss.cert >bad.cert
	pk import -c iss -l capk.txt <bad.cert
	refused 1 "iss: the CA refused the request: err=key-size"
	sed 's/ 8F=E1/ 8F=E1E1/' iss.cert >bad.cert
	pk import -c iss -l capk.txt <bad.cert
	refused 1 "key iss: certificate: 8F: want the CA key index, 2 hex digits"
	[ ! -e ts/iss.cert ] && [ ! -e ts/iss2.cert ]
	# After all that, the right one still goes in.
	pk import -c iss -l capk.txt <iss.cert
	[ "$status" -eq 0 ]
}

@test "keys: a live store takes certificates of live CA keys only; altered req files are refused" {
	chain
	store live
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/live.lmk
	emv-keys -K live generate l issuer-rsa rsa1024 >/dev/null
	emv-keys -K live request l -b 476173 -x 1230 >l.req
	EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk emv-ca -K ts sign ca-A000000003-E1 <l.req >l.cert
	pk -K live import -c l -l capk.txt <l.cert
	refused 1 "key l: no live CA key A000000003 E1 in capk.txt"
	[ ! -e live/l.cert ]
	export EMVPERSO_LMK=$BATS_TEST_TMPDIR/ts.lmk
	cp ts/iss.req req.keep
	sed -i 's/bin=476173/bin=476174/' ts/iss.req
	pk -K ts import -c iss -l capk.txt <iss.cert
	refused 1 "key iss: req file altered, or not of this store (its MAC does not verify)"
	# Another key's request, moved over: bound to its key name.
	emv-keys -K ts generate iss2 issuer-rsa rsa1024 >/dev/null
	emv-keys -K ts request iss2 -b 476173 -x 1230 >/dev/null
	cp ts/iss2.req ts/iss.req
	pk -K ts import -c iss -l capk.txt <iss.cert
	refused 1 "key iss: req file altered, or not of this store (its MAC does not verify)"
	# Never through a link.
	rm ts/iss.req
	ln -s "$BATS_TEST_TMPDIR/req.keep" ts/iss.req
	pk -K ts import -c iss -l capk.txt <iss.cert
	refused 1 "key iss: req file: is a symbolic link"
	rm ts/iss.req
	cp req.keep ts/iss.req
	pk -K ts import -c iss -l capk.txt <iss.cert
	[ "$status" -eq 0 ]
}
