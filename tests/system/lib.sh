# Helpers for system tests: boot kernel-sim, watch it from the host, report cases.
# shellcheck shell=bash

BIN=${BIN:-build/bin}
TMP=$(mktemp -d /tmp/sel4-sim-test.XXXXXX)
chmod 755 "$TMP"
KS_PID=
KS_OUT=

cleanup() {
	[ -n "$KS_PID" ] && kill -KILL "$KS_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ok() { echo "$1: ok"; }
fail() {
	local name=$1
	shift
	echo "$name: FAILED $*"
	if [ -n "$KS_OUT" ] && [ -f "$KS_OUT" ]; then
		echo "    kernel-sim output:"
		sed 's/^/    > /' "$KS_OUT" | tail -n 20
	fi
}

# check NAME COMMAND...: the case passes if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "($*)"; fi
}

# start_ks [--as USER] ARGS...: start kernel-sim ($KS or $BIN/kernel-sim) in the background (no
# control socket, unless ARGS start with --control PATH: tests run it in
# the repository, side by side).
start_ks() {
	local prefix=()
	if [ "${1:-}" = --as ]; then
		prefix=(setpriv --reuid="$2" --regid="$2" --clear-groups --)
		shift 2
	fi
	KS_OUT=$TMP/ks.$RANDOM.out
	local control=(--no-control)
	[ "${1:-}" = --control ] && control=()
	"${prefix[@]}" "${KS:-$BIN/kernel-sim}" "${control[@]}" "$@" >"$KS_OUT" 2>&1 &
	KS_PID=$!
}

# start_children N: boot core and init with N blocking dummy children (1 MiB
# each, in $TMP/children-N); each logs "up I" when it runs. $KS_ARGS (for
# one, --memory SIZE) go to kernel-sim first.
start_children() {
	local n=$1 dir=$TMP/children-$1 i
	mkdir -p "$dir"
	cp "$BIN/core" "$BIN/init" "$BIN/dummy" "$dir/"
	{
		echo '<config>'
		echo '<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> </parent-provides>'
		echo '<default-route> <any-service> <parent/> </any-service> </default-route>'
		echo '<default caps="100"/>'
		for ((i = 1; i <= n; i++)); do
			echo "<start name=\"d$i\"> <binary name=\"dummy\"/> <resource name=\"RAM\" quantum=\"1M\"/> <config> <log string=\"up $i\"/> <block/> </config> </start>"
		done
		echo '</config>'
	} >"$dir/config"
	# shellcheck disable=SC2086
	start_ks ${KS_ARGS:-} "$dir/core" "$dir/init" "$dir/dummy" "$dir/config"
}

# free_uid: a uid no account has and nothing on the host runs as (limits
# per user, such as RLIMIT_NPROC, then count only what the test starts);
# from a range that depends on the test's pid, so that tests running at
# once take different ones.
free_uid() {
	local base=$((61000 + $$ % 4000)) uid
	for ((uid = base; uid < base + 200; uid++)); do
		if ! getent passwd "$uid" >/dev/null && ! pgrep -u "$uid" >/dev/null; then
			echo "$uid"
			return
		fi
	done
}

# pair_boot_dir DIR: core, init and the components of pair_config, in DIR.
pair_boot_dir() {
	mkdir -p "$1"
	cp "$BIN/core" "$BIN/init" "$BIN/timer" "$BIN/test-hello-server" "$BIN/test-hello-client" \
		"$BIN/dummy" "$1/"
}

# fillers N: N blocking dummy children for an init config, each logging "filler I up".
fillers() {
	local i
	for i in $(seq "$1"); do
		echo "	<start name=\"filler$i\"> <binary name=\"dummy\"/> <config> <log string=\"filler $i up\"/> <block/> </config> </start>"
	done
}

# pair_config CALLS PERIOD_MS: the head of an init config with a timer and
# a client calling its server CALLS times, PERIOD_MS apart (it logs "Test
# succeeded" at its end); the caller adds its own <start> nodes and </config>.
pair_config() {
	cat <<EOF
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="server"> <binary name="test-hello-server"/> <provides> <service name="Hello"/> </provides> </start>
	<start name="client">
		<binary name="test-hello-client"/>
		<config calls="$1" period_ms="$2"/>
		<route>
			<service name="Hello"> <child name="server"/> </service>
			<any-service> <parent/> <any-child/> </any-service>
		</route>
	</start>
EOF
}

# wait_for PATTERN [SECONDS]: wait until kernel-sim's output matches.
wait_for() {
	local pattern=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		grep -qE -- "$pattern" "$KS_OUT" 2>/dev/null && return 0
		kill -0 "$KS_PID" 2>/dev/null || { grep -qE -- "$pattern" "$KS_OUT"; return; }
		sleep 0.05
	done
	return 1
}

# The PD processes of the running kernel-sim ("[sim] NAME"; not the sleepers
# of its task reserve, "sim-reserve", which an ordinary user's kernel-sim keeps).
pd_pids() { pgrep -P "$KS_PID" -f '^\[sim\] '; }

# stop_ks [SIGNAL]: signal kernel-sim and wait; sets KS_STATUS.
stop_ks() {
	local sig=${1:-TERM} i
	kill "-$sig" "$KS_PID" 2>/dev/null
	for ((i = 0; i < 200; i++)); do
		kill -0 "$KS_PID" 2>/dev/null || break
		sleep 0.05
	done
	local hung=
	if kill -0 "$KS_PID" 2>/dev/null; then
		hung=1
		kill -KILL "$KS_PID"
	fi
	wait "$KS_PID" 2>/dev/null
	KS_STATUS=$?
	[ -z "$hung" ] || KS_STATUS=timeout
	KS_PID=
}

status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

# Only sockets among the PD's descriptors.
only_sockets() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd") in socket:*) ;; *) return 1 ;; esac
	done
}

# The PD is confined: seccomp filter, no_new_privs, no capabilities, only sockets.
confined() {
	local pid=$1 f
	[ "$(status_field "$pid" Seccomp)" = 2 ] || return 1
	[ "$(status_field "$pid" NoNewPrivs)" = 1 ] || return 1
	for f in CapInh CapPrm CapEff CapBnd CapAmb; do
		[ "$(status_field "$pid" $f)" = 0000000000000000 ] || return 1
	done
	only_sockets "$pid"
}

# No process is left that kernel-sim started.
gone() {
	local pid
	for pid in "$@"; do
		[ -e "/proc/$pid" ] && return 1
	done
	return 0
}
