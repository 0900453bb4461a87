# stages.sh: sourced by the pipeline drivers in this directory.
# A driver names its stages as shell functions (stage_import, stage_show,
# ...) that read the previous stream on stdin and write the next on stdout;
# a site overrides a stage by defining the same function in the file named
# by EMVPERSO_SITE before the driver runs it.  run_stage keeps every stream
# as a numbered file for audit and checks each stage's exit status.

# run_stage NN NAME INPUT: run stage_NAME < INPUT > $out/NN-NAME.txt.
# Status 0 (all records fine) and 1 (some records marked err) go on;
# anything else stops the driver with the stage's status.
run_stage() {
	_nn=$1 _name=$2 _in=$3
	_out="$out/$_nn-$_name.txt"
	_rc=0
	"stage_$_name" <"$_in" >"$_out.tmp" || _rc=$?
	if [ "$_rc" -gt 1 ]; then
		echo "$prog: stage $_name failed (exit $_rc); its partial output is $_out.tmp" >&2
		exit "$_rc"
	fi
	mv "$_out.tmp" "$_out"
	[ "$_rc" -eq 0 ] || echo "$prog: stage $_name marked some records with err" >&2
	last=$_out
}

# records FILE: the number of records (neither comments nor blank lines).
records() {
	grep -cv -e '^#' -e '^$' "$1" || true
}

# failed FILE: the number of records marked with err.
failed() {
	grep -c -e ' err=' -e '^err=' "$1" || true
}

# load_site: source the site's stage overrides, if any.
load_site() {
	if [ -n "${EMVPERSO_SITE:-}" ]; then
		. "$EMVPERSO_SITE"
	fi
}
