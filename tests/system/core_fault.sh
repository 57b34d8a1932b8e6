#!/usr/bin/env bash
# core_fault: core itself dies with a fault while init and its children
# run (as a bug in core would make it): gdb writes an invalid instruction
# (ud2) where core's thread continues after the system call it waits in,
# then the host asks for core's totals (kill -USR2), which wakes it. Core's
# thread has no fault handler, so kernel-sim reports the fault, ends the
# system and exits non-zero; no PD process is left and nothing hangs.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh

start_children 3
if ! wait_for '\] up 3$' 20; then
	fail core_fault_boot "the children did not come up"
	exit 0
fi
sleep 0.2
core=$(pgrep -P "$KS_PID" -xf '\[sim\] core')
pds=$(pgrep -P "$KS_PID" | tr '\n' ' ')
# the thread that waits in a system call and where it continues: after a
# trap, the frame the signal handler returns to; in the runtime's direct
# entry, the stub's jump to NextIP (4 bytes before the NextIP it reported)
bt=$(gdb -batch -p "$core" -ex 'thread apply all bt' 2>/dev/null)
where=$(echo "$bt" | awk '/^Thread [0-9]+ / { t = $2 }
	/<signal handler called>/ { sub(/^#/, "", $1); print t, $1 + 1, "$pc"; exit }
	/ rt_direct_syscall \(/ { sub(/^#/, "", $1); print t, $1, "f->rip - 4"; exit }')
read -r thread frame at <<<"$where"
if [ -z "$frame" ]; then
	fail core_fault_found_core_waiting "no thread of core waits in a system call"
	stop_ks TERM
	exit 0
fi
gdb -batch -p "$core" -ex "thread $thread" -ex "frame $frame" -ex "set {unsigned short}($at) = 0x0b0f" >/dev/null 2>&1
kill -USR2 "$KS_PID"
for _ in $(seq 200); do
	kill -0 "$KS_PID" 2>/dev/null || break
	sleep 0.05
done
check core_fault_ends_system bash -c "! kill -0 $KS_PID 2>/dev/null"
check core_fault_reported grep -q "^kernel-sim: the root task's initial thread \"core\" died with a fault; the system cannot continue" "$KS_OUT"
left=
for p in $pds; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
check core_fault_no_pd_left test -z "$left"
stop_ks TERM
check core_fault_exit_status test "$KS_STATUS" = 1
