# helper.bash: sourced by every bats file (load helper).
# EMV_BIN names the directory of the tools under test (the plain or the
# sanitizer build); tests/run sets it, and it defaults to the tree's bin/.
bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
: "${EMV_BIN:=$TOP/bin}"
PATH=$EMV_BIN:$TOP/bin:$PATH
export PATH LC_ALL=C
umask 077
DATA=$TOP/tests/data
VEC=$TOP/tests/vectors

# count_lines FILE: the number of record lines (not comments, not blank).
count_records() {
	grep -cv -e '^#' -e '^$' "$@" || true
}

# assert_no_secret STRING FILE...: fails if STRING (a clear key, PIN or
# whole PAN) appears in any of the files.
assert_no_secret() {
	local s=$1; shift
	if grep -Fq -- "$s" "$@"; then
		echo "secret $s leaked in: $(grep -Fl -- "$s" "$@")" >&2
		return 1
	fi
}

# make_test_store DIR: a test key store in DIR, its LMK file beside it
# (EMVPERSO_LMK is exported), holding every key of tests/data/test-keys.txt.
make_test_store() {
	local dir=$1 name type alg hex
	export EMVPERSO_LMK=$dir.lmk EMVPERSO_KEYSTORE=$dir
	emv-keys -K "$dir" init -t >/dev/null
	while read -r name type alg hex; do
		case $name in '#'*|'') continue ;; esac
		printf '%s\n' "$hex" | emv-keys -K "$dir" import -x "$name" "$type" "$alg" >/dev/null
	done <"$TOP/tests/data/test-keys.txt"
}
