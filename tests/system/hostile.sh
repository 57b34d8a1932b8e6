#!/usr/bin/env bash
# test-hostile: a root task tries raw Linux system calls. Each one must be
# trapped by the seccomp filter and become an UnknownSyscall fault, which
# with no fault handler kernel-sim reports (seL4's double-fault message) and
# answers by stopping the thread. The host is untouched and kernel-sim
# keeps running (the attempts run in a second thread of the root task). A
# fault of the root task's initial thread ends the system (exit status 1)
# unless another thread can still run.
source "$(dirname "$0")/lib.sh"

sleep 1000 &
SENTINEL=$!
trap 'kill $SENTINEL 2>/dev/null; cleanup' EXIT

# attempt NAME ARGUMENT HOST_NR: boot test-hostile on one attempt.
attempt() {
	local name=$1 arg=$2 nr=$3
	mkdir -p "$TMP/$name"
	echo "$name $arg" >"$TMP/$name/attempt"
	start_ks "$BIN/test-hostile" "$TMP/$name/attempt"
	if ! wait_for "host system call $nr, " 10; then
		fail "${name}_trapped" "no unknown-syscall report for host call $nr"
		stop_ks KILL
		return 1
	fi
	sleep 0.2
	PD=$(pd_pids)
	if grep -q "was not trapped" "$KS_OUT"; then
		fail "${name}_trapped" "the thread continued after the system call"
	elif ! grep -q "^unknown syscall 0x" "$KS_OUT" ||
		! grep -q '^in thread 0x[0-9a-f]* "test-hostile" at address 0x' "$KS_OUT"; then
		fail "${name}_trapped" "the seL4-style report is incomplete"
	else
		ok "${name}_trapped"
	fi
	check "${name}_kernel_sim_runs" kill -0 "$KS_PID"
	check "${name}_pd_still_confined" confined "$PD"
	return 0
}

finish() {
	local name=$1
	stop_ks TERM
	check "${name}_clean_exit" test "$KS_STATUS" = 0
}

if attempt open "$TMP/open/created" 2; then
	check open_no_file test ! -e "$TMP/open/created"
	finish open
fi

if attempt socket - 41; then
	# the control channel and one channel for each of its two threads
	check socket_no_new_fd test "$(ls /proc/"$PD"/fd | wc -l)" = 3
	finish socket
fi

if attempt kill "$SENTINEL" 62; then
	check kill_target_alive kill -0 "$SENTINEL"
	finish kill
fi

if attempt execve "touch $TMP/execve/ran" 59; then
	check execve_nothing_ran test ! -e "$TMP/execve/ran"
	check execve_same_program test "$(ps -o args= -p "$PD")" = "[sim] test-hostile"
	finish execve
fi

if attempt ptrace "$SENTINEL" 101; then
	check ptrace_target_untraced test "$(status_field "$SENTINEL" TracerPid)" = 0
	finish ptrace
fi

if attempt mmap 0x50000000 9; then
	check mmap_no_mapping bash -c "! grep -q '^50000000-' /proc/$PD/maps"
	finish mmap
fi

# The 32-bit system-call gate does not exist on seL4: a general-protection
# UserException (vector 13), reported the same way.
mkdir -p "$TMP/int80"
echo "int80 -" >"$TMP/int80/attempt"
start_ks "$BIN/test-hostile" "$TMP/int80/attempt"
if wait_for '^user exception 0xd code 0x0$' 10 && ! grep -q "was not trapped" "$KS_OUT"; then
	ok int80_trapped
else
	fail int80_trapped "no user-exception report"
fi
finish int80

# The root task's initial thread faults with no handler (what core's death
# looks like): kernel-sim reports it and exits non-zero, no PD is left.
mkdir -p "$TMP/initial"
echo "initial-fault -" >"$TMP/initial/attempt"
start_ks "$BIN/test-hostile" "$TMP/initial/attempt"
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
echo "initial-fault-outlived -" >"$TMP/outlived/attempt"
start_ks "$BIN/test-hostile" "$TMP/outlived/attempt"
wait_for 'the second thread runs on' 10
check outlived_fault_reported grep -q '^vm fault on data at address 0x0 ' "$KS_OUT"
check outlived_second_thread_ran grep -q 'test-hostile: the second thread runs on' "$KS_OUT"
check outlived_system_runs kill -0 "$KS_PID"
check outlived_not_ended bash -c "! grep -q 'the system cannot continue' '$KS_OUT'"
stop_ks TERM
check outlived_exit_status test "$KS_STATUS" = 0
