#!/usr/bin/env bash
# teardown: kill -9 from the host, crashes from inside, restarts, and
# nothing is lost. A server and two clients (which call it every 30 ms)
# run under restart policies; client1 reconnects when the server dies,
# client2 crashes (an unresolvable fault) and is restarted. After one
# warm-up kill of each, the totals of kernel-sim and core (kill -USR2) are
# recorded; then each component is killed and restarted 20 times (and
# client2 crashes from inside each time the server dies); then every total
# must be what it was, and no zombie or stray process may exist.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_ROOT_DIR=$PWD
export ROUNDS=${TEARDOWN_ROUNDS:-20}

scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
install_config <<'EOF'
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="server" restart="on-failure" restart_delay_ms="5">
		<binary name="test-hello-server"/>
		<provides> <service name="Hello"/> </provides>
	</start>
	<start name="client1" restart="on-failure" restart_delay_ms="5">
		<binary name="test-hello-client"/>
		<config calls="100000000" period_ms="30"/>
		<route> <service name="Hello"> <child name="server"/> </service> <any-service> <parent/> <any-child/> </any-service> </route>
	</start>
	<start name="client2" restart="on-failure" restart_delay_ms="5">
		<binary name="test-hello-client"/>
		<config calls="100000000" period_ms="30" crash_on_error="yes"/>
		<route> <service name="Hello"> <child name="server"/> </service> <any-service> <parent/> <any-child/> </any-service> </route>
	</start>
</config>
EOF
build_boot_image core init timer test-hello-server test-hello-client
run_until --keep 'session opened.*session opened|session opened' 10
ks=$(kernel_sim_pid)
log=$(log_file)

count() { grep -ac -- "$1" "$log"; }
# wait until PATTERN has appeared N times in all
wait_count() {
	for _ in $(seq 200); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.025
	done
	echo "teardown: waited in vain for $2 x '$1' (thread dump in the log)"
	kill -USR1 "$ks"
	sleep 0.3
	kill_system
	exit 1
}
pid_of() { ps -o pid=,args= --ppid "$ks" | awk -v n="[sim] init -> $1" '{ p = $1; $1 = ""; sub(/^ /, "") } $0 == n { print p }'; }
opened=2 closed=0
wait_count 'session opened' $opened
# kill one component and wait until the system is whole again
cycle() {
	local pid
	pid=$(pid_of "$1")
	[ -n "$pid" ] || { echo "teardown: no process for $1"; kill_system; exit 1; }
	kill -9 "$pid"
	case $1 in
	server) opened=$((opened + 2)) ;;
	*) opened=$((opened + 1)) closed=$((closed + 1)) ;;
	esac
	wait_count 'session opened' $opened
	# a killed client's session at the server is closed there
	wait_count 'session closed' $closed
}
totals() {
	local before
	before=$(count 'core: totals:')
	kill -USR2 "$ks"
	wait_count 'core: totals:' $((before + 1))
	sleep 0.2 # the per-PD lines follow
	{
		grep -a 'kernel-sim: totals:' "$log" | tail -n 1
		grep -a 'kernel-sim: objects:' "$log" | tail -n 1
		grep -a 'core: totals:' "$log" | tail -n 1
		grep -aA3 'core: totals:' "$log" | tail -n 3 | sed -E 's/RAM [0-9]+ of/RAM of/' | sort
	} >"$1"
}
for c in server client1 client2; do cycle "$c"; done
sleep 0.3
totals "$(boot_dir)/before"
for _ in $(seq "$ROUNDS"); do
	for c in server client1 client2; do cycle "$c"; done
done
sleep 0.3
totals "$(boot_dir)/after"
zombies=$(ps -o stat= --ppid "$ks" | grep -c Z || true)
procs=$(ps -o pid= --ppid "$ks" | wc -l)
kill_system
echo "$zombies $procs" >"$(boot_dir)/processes"
SCENARIO

# one run per kernel-sim: the plain one, and the one with ASan and UBSan
one_run() {
	local tag=$1
	export KERNEL_SIM=$2 RUN_DIR=build/run/$1
	if bash "$scenario" >build/run/$tag.out 2>&1; then
		ok ${tag}_cycles_completed
	else
		fail ${tag}_cycles_completed "$(tail -n 3 build/run/$tag.out | tr '\n' ' ')"
		return
	fi
	dir=build/run/$tag
	if diff -u "$dir/before" "$dir/after" >"$dir/totals.diff"; then
		ok ${tag}_totals_return
	else
		fail ${tag}_totals_return "$(tail -n +3 "$dir/totals.diff" | tr '\n' ' ')"
	fi
	read -r zombies procs <"$dir/processes"
	check ${tag}_no_zombies test "$zombies" = 0
	check ${tag}_six_pd_processes_left test "$procs" = 6
	check ${tag}_killed_each_component test "$(grep -ac 'crashed: its process was killed by signal 9' "$dir/log")" = $((3 * (ROUNDS + 1)))
	check ${tag}_crashes_from_inside test "$(grep -ac 'child "client2" crashed: unresolvable' "$dir/log")" = $((ROUNDS + 1))
}

one_run teardown "$PWD/build/bin/kernel-sim"
one_run asan_teardown "$PWD/build/asan/kernel-sim"
