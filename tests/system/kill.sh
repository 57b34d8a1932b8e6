#!/usr/bin/env bash
# test-kill: a PD process killed with kill -9 from the shell. kernel-sim
# notices, reports it, and delivers the PD-lost fault to the thread's fault
# handler (the root task), which deletes the PD's objects; afterwards
# kernel-sim holds the same fds and PD processes as before the PD existed,
# and no zombie is left.
source "$(dirname "$0")/lib.sh"

start_ks "$BIN/test-kill"
if ! wait_for '^test-kill: victim running$' 20; then
	fail victim_runs "no line within 20 s"
	stop_ks KILL
	exit 0
fi
ok victim_runs

# The victim is the PD process named after its first named thread.
victim=$(ps -o pid=,args= --ppid "$KS_PID" | awk '$2 == "[sim]" && $3 == "child" { print $1 }')
check one_victim test "$(echo "$victim" | wc -w)" = 1
check victim_confined confined "$victim"
kill -KILL "$victim"

check lost_fault_arrives wait_for '^test-kill: victim lost' 10
check lost_fault_layout grep -qx 'test-kill: victim lost: label 3 number 0x100 code 9' "$KS_OUT"
check kernel_reports_kill grep -qE "^kernel-sim: PD process $victim \(child [0-9]+\) was killed by signal 9$" "$KS_OUT"
check objects_deleted_resources_back wait_for '^test-kill: clean$' 10
check victim_reaped gone "$victim"
check no_zombie test -z "$(ps -o stat= --ppid "$KS_PID" | grep Z)"
check only_root_pd_left test "$(pd_pids | wc -w)" = 1

stop_ks TERM
check sigterm_exits_0 test "$KS_STATUS" = 0
