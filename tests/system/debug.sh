#!/usr/bin/env bash
# Debuggers on a component of a running system: gdb stops at a breakpoint
# in component code, prints a local variable and single-steps (plain gdb
# -batch -p, and sim gdb); Ctrl-C stops it; the component goes on after
# detach. sim strace decodes seL4 calls, sim trace -f follows one PD, sim
# graph names the PDs and renders to PNG.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_ROOT_DIR=$PWD
SIM=$PWD/$BIN/sim
D=build/run/test-debug

scenario=$TMP/debug.run
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
install_config <<'CONFIG'
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="server"> <binary name="test-hello-server"/> <provides> <service name="Hello"/> </provides> </start>
	<start name="client"> <binary name="test-hello-client"/> <config calls="1000000" period_ms="10"/>
		<route> <service name="Hello" label="greeter"> <child name="server"/> </service> <any-service> <parent/> <any-child/> </any-service> </route>
	</start>
</config>
CONFIG
build_boot_image core init timer test-hello-server test-hello-client
run_until --keep 'session opened' 20
echo ready >"$(boot_dir)/ready"
while [ ! -e "$(boot_dir)/done" ]; do sleep 0.05; done
kill_system
SCENARIO

rm -rf "$D"
RUN_DIR=$D bash "$scenario" >"$TMP/scenario.out" 2>&1 &
scenario_pid=$!
trap 'touch "$D/done"; wait; cleanup' EXIT
for _ in $(seq 600); do
	[ -e "$D/ready" ] && break
	kill -0 "$scenario_pid" 2>/dev/null || break
	sleep 0.05
done
if [ ! -e "$D/ready" ]; then
	fail debug_scenario_started "$(tail -n 5 "$TMP/scenario.out")"
	exit 0
fi
ok debug_scenario_started

# check_out NAME FILE GREP_ARGS...: the case passes if grep finds the pattern
# in FILE; a failure shows the debugger's answer, the only clue to why.
check_out() {
	local name=$1 file=$2
	shift 2
	if grep -q "$@" "$file"; then
		ok "$name"
	else
		fail "$name" "(grep $* $file)"
		sed 's/^/    | /' "$file" | tail -n 40
	fi
}

# check_none NAME FILE PATTERN: the case passes if no line of FILE matches;
# a failure shows the lines that do.
check_none() {
	if ! grep -q "$3" "$2"; then
		ok "$1"
	else
		fail "$1" "(lines of $2 match $3)"
		grep "$3" "$2" | sed 's/^/    | /' | tail -n 20
	fi
}

read -r pid file <<<"$("$SIM" --system "$D" where "init -> client")"
check debug_where_names_the_binary test "$file" = "$(readlink -f "$D/test-hello-client")"

# plain gdb: break in component code, stop there, a local, a single step
timeout 60 gdb -q -batch -p "$pid" \
	-ex 'handle SIGSYS nostop noprint pass' -ex 'handle SIGSEGV nostop noprint pass' \
	-ex 'handle SIGURG nostop noprint pass' -ex 'set confirm off' -ex "add-symbol-file $file" \
	-ex 'break call' -ex 'continue' -ex 'print say.name' -ex 'next' -ex 'next' \
	-ex 'print add' -ex 'info line *$pc' -ex 'detach' >"$TMP/gdb.out" 2>&1
check_out debug_gdb_breakpoint_hit "$TMP/gdb.out" 'hit Breakpoint 1, call () at components/test/hello_client.c'
check_out debug_gdb_prints_local "$TMP/gdb.out" '^\$1 = "client"'
check_out debug_gdb_steps "$TMP/gdb.out" '^\$2 = {a = 40, b = 2}'
check_out debug_gdb_thread_named "$TMP/gdb.out" 'Thread [0-9]* "init -> client" hit'

# sim gdb: symbols and signal handling set up; finish returns to the caller
timeout 60 "$SIM" --system "$D" gdb "init -> client" -batch -ex 'break call' -ex 'continue' \
	-ex 'finish' -ex 'info threads' -ex 'detach' >"$TMP/simgdb.out" 2>&1
check_out debug_sim_gdb_breakpoint "$TMP/simgdb.out" 'hit Breakpoint 1, call ()'
check_out debug_sim_gdb_finish "$TMP/simgdb.out" 'Value returned is \$1 = true'
check_none debug_sim_gdb_quiet "$TMP/simgdb.out" 'SIGSYS\|SIGSEGV'

# a watchpoint on component data stops where it changes, where the host's
# debug registers work at all (some hypervisors do not pass them through:
# gdb sets a watchpoint on a plain program and it never fires)
timeout 30 gdb -q -batch -ex 'watch changes' -ex 'run' "$PWD/$BIN/watch-probe" \
	>"$TMP/probe.out" 2>&1
if grep -q 'hit Hardware watchpoint 1: changes' "$TMP/probe.out"; then
	timeout 60 "$SIM" --system "$D" gdb "init -> client" -batch -ex 'watch done' \
		-ex 'continue' -ex 'delete' -ex 'detach' >"$TMP/watch.out" 2>&1
	check_out debug_gdb_watchpoint "$TMP/watch.out" 'hit Hardware watchpoint 1: done'
	check_out debug_gdb_watchpoint_values "$TMP/watch.out" -E '^New value = [0-9]+'
else
	echo "debug_gdb_watchpoint: not run: this host's hardware watchpoints do not fire" \
		"(gdb on $BIN/watch-probe)"
fi

# Ctrl-C (gdb sends SIGINT to the process) stops it, even while all its
# threads wait in kernel-sim
timeout 60 "$SIM" --system "$D" gdb "init -> client" -batch -ex 'continue' -ex 'info threads' \
	-ex 'detach' >"$TMP/ctrlc.out" 2>&1 &
gdb_job=$!
sleep 2
pkill -INT -P "$gdb_job" gdb
wait "$gdb_job"
check_out debug_ctrl_c_stops "$TMP/ctrlc.out" 'received signal SIGINT'

# the component goes on after the debuggers left; sim trace -f follows it
timeout 3 "$SIM" --system "$D" trace -f "init -> client" >"$TMP/trace.out"
check_out debug_trace_follows "$TMP/trace.out" -E '^ +[0-9.]+ \[init -> client\] Call cap=0x[0-9a-f]+ type=Endpoint'
check debug_trace_filtered test -z "$(grep -E '^ +[0-9.]+ \[' "$TMP/trace.out" | grep -v '\[init -> client\]')"
check_out debug_trace_shows_server "$TMP/trace.out" -E 'IPC \[init -> client\] -> \[init -> server\]'
check debug_trace_kept grep -q 'init -> client' <<<"$("$SIM" --system "$D" trace "init -> client")"

# sim strace: the seL4 calls, decoded
timeout 3 "$SIM" --system "$D" strace "init -> client" >"$TMP/strace.out" 2>&1
check_out debug_strace_decodes "$TMP/strace.out" -E '^\[pid +[0-9]+\] seL4_Call\(cap=0x[0-9a-f]+, label=0x[0-9a-f]+ len=[0-9]+ caps=[0-9]+,'
check_out debug_strace_answers "$TMP/strace.out" -E '^\[pid +[0-9]+\] \.\.\. = badge=0x?[0-9a-f]*, label='
check_none debug_strace_hides_plumbing "$TMP/strace.out" 'SIGSYS\|rt_sigreturn\|gettid'

# sim graph: every PD, the tree, the client's session at the server, a picture
"$SIM" --system "$D" graph >"$TMP/graph.dot"
client=$(sed -n 's/^\t\(pd[0-9]*\) .*tooltip="init -> client".*/\1/p' "$TMP/graph.dot")
server=$(sed -n 's/^\t\(pd[0-9]*\) .*tooltip="init -> server".*/\1/p' "$TMP/graph.dot")
check debug_graph_names_client test -n "$client"
check debug_graph_names_server test -n "$server"
check debug_graph_session grep -qF "$client -> $server [label=\"Hello\\n\\\"client -> greeter\\\"\"" "$TMP/graph.dot"
check debug_graph_tree grep -qE '^[[:space:]]pd[0-9]+ -> '"$client"' \[arrowhead=none' "$TMP/graph.dot"
check debug_graph_accounts grep -qE "^[[:space:]]$client \[label=\"client\\\\npid [0-9]+, alive, 1 threads\\\\nRAM [0-9]+ of [0-9]+ KiB" "$TMP/graph.dot"
check debug_graph_renders "$SIM" --system "$D" graph --png "$TMP/graph.png"
check debug_graph_is_png test "$(head -c 8 "$TMP/graph.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a
