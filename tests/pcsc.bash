# tests/pcsc.bash: a private PC/SC stack for the card tests, bench/card and
# make demo: a pcscd of our own on its own socket, vpcd virtual readers on
# free TCP ports, emv-card instances in them, everything stopped by PID.
# POSIX sh (bats loads it into bash, pipelines and benches into sh).
#
# In a bats file, after "load helper":
#	load pcsc
#	setup_file() { pcsc_start 1; }		# 1 vpcd entry: 2 slots
#	teardown_file() { pcsc_stop; }
#	... card_start 0 image			# emv-card in slot 0, waits
#	... card_stop 0				# stop it, wait for "empty"
# From sh: TOP=... EMV_BIN=... . tests/pcsc.bash; pcsc_start 1; ...
#
# pcsc_start exports PCSCLITE_CSOCK_NAME (every PC/SC client follows it:
# opensc-tool, scriptor, pcsc_scan, our tools), PCSC_PORT (slot i listens
# on PCSC_PORT + i), PCSC_DIR (logs, PID files) and PCSC_PID.  pcscd 1.9.9
# serves a socket handed over by systemd's socket activation, so
# tests/tools/pcscd-launch binds the socket, sets LISTEN_FDS and
# LISTEN_PID and execs pcscd: a system pcscd and parallel runs never meet.
# Readiness and card presence are probed with a PC/SC client (apdu -w),
# never waited for blindly.  Background processes get 3>&- so that bats
# does not wait for them.

: "${TOP:?pcsc.bash: set TOP to the source tree}"
: "${EMV_BIN:=$TOP/bin}"
# The test programs are built beside the tools of the build under test.
PCSC_TOOLS=$(cd "$EMV_BIN/.." && pwd)/tests/tools
PCSC_DRIVER=${PCSC_DRIVER:-/usr/lib/pcsc/drivers/serial/libifdvpcd.so}

# apdu ARGS...: the test client (tests/tools/apdu), bounded by a timeout.
apdu() {
	timeout 60 "$PCSC_TOOLS/apdu" "$@"
}

# pcsc_start [ENTRIES]: start pcscd with ENTRIES vpcd entries (default 1),
# two slots each, and wait until every reader is listed.  Entry 0 is
# "Virtual PCD", entry k "Virtual PCDk" (pcscd numbers the slots of equal
# names alike), and each entry after the first loads its own copy of the
# driver: entries sharing one driver file break each other.  A port that
# another program holds shows in pcscd's log: then other ports are tried.
pcsc_start() {
	_n=${1:-1}
	if [ ! -x "$PCSC_TOOLS/pcscd-launch" ] || [ ! -x "$PCSC_TOOLS/apdu" ]; then
		echo "pcsc.bash: no $PCSC_TOOLS/pcscd-launch or apdu (make all)" >&2
		return 1
	fi
	PCSC_DIR=$(mktemp -d /tmp/emvpcsc.XXXXXX) || return 1
	_try=0
	while [ $_try -lt 8 ]; do
		_try=$((_try + 1))
		_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		PCSC_PORT=$((20000 + (_r % 15000) * 2))
		rm -rf "$PCSC_DIR/conf"
		mkdir "$PCSC_DIR/conf"
		_i=0
		while [ $_i -lt "$_n" ]; do
			_lib=$PCSC_DRIVER _name=
			if [ $_i -gt 0 ]; then
				_lib=$PCSC_DIR/libifdvpcd-$_i.so _name=$_i
				cp "$PCSC_DRIVER" "$_lib"
			fi
			_p=$((PCSC_PORT + 2 * _i))
			printf 'FRIENDLYNAME "Virtual PCD%s"\nDEVICENAME /dev/null:%d\nLIBPATH %s\nCHANNELID %d\n' \
			    "$_name" $_p "$_lib" $_p >"$PCSC_DIR/conf/vpcd-$_i"
			_i=$((_i + 1))
		done
		"$PCSC_TOOLS/pcscd-launch" "$PCSC_DIR/sock" pcscd --foreground \
		    --config "$PCSC_DIR/conf" </dev/null >"$PCSC_DIR/pcscd.log" \
		    2>&1 3>&- &
		PCSC_PID=$!
		PCSCLITE_CSOCK_NAME=$PCSC_DIR/sock
		export PCSCLITE_CSOCK_NAME PCSC_PORT PCSC_DIR PCSC_PID
		if apdu -w r -r $((2 * _n - 1)) -t 10000 &&
		    ! grep -q 'Address already in use' "$PCSC_DIR/pcscd.log"; then
			return 0
		fi
		pcsc_kill "$PCSC_PID"
	done
	echo "pcsc.bash: pcscd did not start (log in $PCSC_DIR)" >&2
	return 1
}

# pcsc_kill PID: SIGTERM, then poll until it is gone (at most 10 s).
pcsc_kill() {
	kill "$1" 2>/dev/null || return 0
	_k=0
	while [ $_k -lt 1000 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.01
		_k=$((_k + 1))
	done
	kill -9 "$1" 2>/dev/null
	return 0
}

# card_start SLOT ARGS...: emv-card -p (PCSC_PORT + SLOT) ARGS in the
# background (output in $PCSC_DIR/card-SLOT.log, PID in card-SLOT.pid and
# CARD_PID), then wait for the card in that reader.
card_start() {
	_slot=$1
	shift
	"$EMV_BIN/emv-card" -p $((PCSC_PORT + _slot)) "$@" </dev/null \
	    >"$PCSC_DIR/card-$_slot.log" 2>&1 3>&- &
	CARD_PID=$!
	echo $CARD_PID >"$PCSC_DIR/card-$_slot.pid"
	if ! apdu -w c -r "$_slot" -t 10000; then
		cat "$PCSC_DIR/card-$_slot.log" >&2
		return 1
	fi
}

# card_stop SLOT: stop the emv-card of SLOT, wait until its reader is
# empty, and fail if the sanitizers complained in its log.
card_stop() {
	[ -f "$PCSC_DIR/card-$1.pid" ] || return 0
	pcsc_kill "$(cat "$PCSC_DIR/card-$1.pid")"
	rm -f "$PCSC_DIR/card-$1.pid"
	apdu -w e -r "$1" -t 10000 || return 1
	card_log_ok "$1"
}

# card_log_ok SLOT: fail if AddressSanitizer or UBSan spoke in its log.
card_log_ok() {
	if grep -Eq 'Sanitizer|runtime error' "$PCSC_DIR/card-$1.log"; then
		cat "$PCSC_DIR/card-$1.log" >&2
		return 1
	fi
}

# card_wait SLOT: wait (at most 30 s) for the emv-card of SLOT to exit by
# itself, a feeder whose stack is empty; its exit status.  The card must
# have been started by this shell.
card_wait() {
	_pid=$(cat "$PCSC_DIR/card-$1.pid")
	rm -f "$PCSC_DIR/card-$1.pid"
	_k=0
	while [ $_k -lt 3000 ] && kill -0 "$_pid" 2>/dev/null; do
		sleep 0.01
		_k=$((_k + 1))
	done
	wait "$_pid" && card_log_ok "$1"
}

# reader_name SLOT: the PC/SC name of a slot's reader (for scriptor).
reader_name() {
	_e=$(($1 / 2))
	[ $_e -eq 0 ] && _e=
	printf 'Virtual PCD%s 00 %02d\n' "$_e" $(($1 % 2))
}

# pcsc_stop: stop every card and pcscd, remove the directory.
pcsc_stop() {
	[ -n "${PCSC_DIR:-}" ] || return 0
	for _f in "$PCSC_DIR"/card-*.pid; do
		[ -f "$_f" ] && pcsc_kill "$(cat "$_f")"
	done
	[ -n "${PCSC_PID:-}" ] && pcsc_kill "$PCSC_PID"
	rm -rf "$PCSC_DIR"
	PCSC_PID= PCSC_DIR=
}
