#!/usr/bin/env bash
# test-hostile: a root task attacks the host as a hostile PD would (raw
# system calls, the other gates, calls through the runtime's own site,
# forged traps and control messages, debug calls from a PD that is not the
# root task, frames kept after unmap and deletion, thread bombs, guessed and
# forged capabilities, terminal escapes) and reports each attempt as
# DENIED or ESCAPED. Every attempt is a case here, under the plain and the
# ASan+UBSan kernel-sim; an ESCAPED fails it. What only the host can see is
# checked here: no file created, the sentinel process alive and untraced,
# no raw control character on the console, the PD processes' threads and
# memory from /proc, no core file, the system still running.
source "$(dirname "$0")/lib.sh"

sleep 1000 &
SENTINEL=$!
trap 'kill $SENTINEL 2>/dev/null; cleanup' EXIT

# hostcheck TAG NAME KIND ARG: one HOSTCHECK line of the root task.
hostcheck() {
	local tag=$1 name=$2 kind=$3 arg=$4 pd=$5
	case $kind in
	nofile) check "${tag}${name}_no_file" test ! -e "$WORK/${arg:-$name}" ;;
	alive) check "${tag}${name}_sentinel_alive" kill -0 "$SENTINEL" ;;
	untraced) check "${tag}${name}_sentinel_untraced" test "$(status_field "$SENTINEL" TracerPid)" = 0 ;;
	noline) check "${tag}${name}_no_line" bash -c "! grep -q '^$arg' '$KS_OUT'" ;;
	noraw) check "${tag}${name}_escaped" bash -c "! LC_ALL=C grep -qP '[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]' '$KS_OUT'" ;;
	*) fail "${tag}${name}_hostcheck" "unknown check $kind" ;;
	esac
}

one_run() {
	local tag=$1 ks=$2
	WORK=$TMP/${tag}work
	mkdir -p "$WORK"
	echo "$SENTINEL $WORK" >"$WORK/hostile.args"
	local root=$PWD/$BIN/test-hostile
	KS_OUT=$TMP/${tag}out
	(cd "$WORK" && exec "$ks" --no-control "$root" hostile.args) >"$KS_OUT" 2>&1 &
	KS_PID=$!
	if ! wait_for '^test-hostile: [0-9]+ denied' 240; then
		fail "${tag}hostile_complete" "the attempts did not finish ($(grep '^ATTEMPT' "$KS_OUT" | tail -n 1))"
		stop_ks KILL
		return
	fi
	ok "${tag}hostile_complete"
	local line name verdict how
	while read -r verdict name how; do
		name=${name%:}
		echo "    $verdict $name: $how"
		if [ "$verdict" = DENIED ]; then ok "${tag}hostile_$name"; else fail "${tag}hostile_$name" "ESCAPED $how"; fi
	done < <(grep -aE '^(DENIED|ESCAPED) ' "$KS_OUT")
	check "${tag}hostile_at_least_60" test "$(grep -caE '^DENIED ' "$KS_OUT")" -ge 60
	while read -r line name kind arg; do
		hostcheck "$tag" "$name" "$kind" "$arg"
	done < <(grep -a '^HOSTCHECK ' "$KS_OUT")

	local pd
	pd=$(pd_pids)
	check "${tag}hostile_system_runs" kill -0 "$KS_PID"
	check "${tag}hostile_no_halt" bash -c "! grep -aq 'Debug halt syscall' '$KS_OUT'"
	check "${tag}hostile_one_pd_left" test "$(echo "$pd" | wc -w)" = 1
	check "${tag}hostile_pd_confined" confined "$pd"
	# the root task's thread and no other: every attempt's thread and PD are gone
	check "${tag}hostile_pd_threads" test "$(status_field "$pd" Threads)" -le 2
	check "${tag}hostile_pd_memory" test "$(status_field "$pd" VmRSS)" -lt 65536
	check "${tag}hostile_no_core_file" bash -c "! ls '$WORK' | grep -q core"
	check "${tag}hostile_pd_core_limit_0" grep -qE '^Max core file size +0 +0 ' "/proc/$pd/limits"
	check "${tag}hostile_kernel_sim_clean" grep -aq '^test-hostile: kernel-sim fds \([0-9]*\) -> \1, PD processes 1 -> 1$' "$KS_OUT"
	check "${tag}hostile_no_sanitizer_report" bash -c "! grep -aqE '^==[0-9]+==ERROR|runtime error:' '$KS_OUT'"
	stop_ks TERM
	check "${tag}hostile_clean_exit" test "$KS_STATUS" = 0
	check "${tag}hostile_sentinel_alive" kill -0 "$SENTINEL"
}

one_run "" "$PWD/$BIN/kernel-sim"
one_run asan_ "$PWD/build/asan/kernel-sim"

# The root task's initial thread faults with no handler and no other thread
# can run (what core's death looks like): kernel-sim reports it and exits
# non-zero, no PD is left.
start_ks "$BIN/test-hostile"
pid=$KS_PID
wait_for 'the system cannot continue' 10
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
check initial_fault_ends_system bash -c "! kill -0 $pid 2>/dev/null"
check initial_fault_reported grep -q "^kernel-sim: the root task's initial thread \"test-hostile\" died with a fault" "$KS_OUT"
check initial_fault_no_pd_left test -z "$(pgrep -P "$pid")"
stop_ks TERM
check initial_fault_exit_status test "$KS_STATUS" = 1

# The same fault while a second thread of the root task can run (a root
# task's main returning after starting a thread): as on seL4, the initial
# thread stops and the system goes on with the other thread.
mkdir -p "$TMP/outlived"
echo "outlive" >"$TMP/outlived/hostile.args"
start_ks "$BIN/test-hostile" "$TMP/outlived/hostile.args"
wait_for 'the second thread runs on' 10
check outlived_fault_reported grep -q '^vm fault on data at address 0x0 ' "$KS_OUT"
check outlived_second_thread_ran grep -q 'test-hostile: the second thread runs on' "$KS_OUT"
check outlived_system_runs kill -0 "$KS_PID"
check outlived_not_ended bash -c "! grep -q 'the system cannot continue' '$KS_OUT'"
stop_ks TERM
check outlived_exit_status test "$KS_STATUS" = 0
