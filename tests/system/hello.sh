#!/usr/bin/env bash
# test-hello: kernel-sim boots a confined root task that prints a line and
# then waits without using the CPU; SIGTERM ends everything, exit status 0.
source "$(dirname "$0")/lib.sh"

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

hello_run() {
	local tag=$1
	shift
	start_ks "$@" "$BIN/test-hello"
	if ! wait_for '^hello from the root task$' 10; then
		fail "${tag}prints_hello" "no line within 10 s"
		stop_ks KILL
		return
	fi
	ok "${tag}prints_hello"

	local pd
	pd=$(pd_pids)
	check "${tag}one_pd_process" test "$(echo "$pd" | wc -w)" = 1
	check "${tag}pd_confined" confined "$pd"
	check "${tag}pd_process_name" test "$(ps -o args= -p "$pd")" = "[sim] test-hello"
	check "${tag}thread_named" grep -qx test-hello /proc/"$pd"/task/*/comm

	# Suspended for good: neither the PD nor kernel-sim burns CPU time.
	local before_pd before_ks
	before_pd=$(cpu_ticks "$pd")
	before_ks=$(cpu_ticks "$KS_PID")
	sleep 1
	check "${tag}waits_without_spinning" \
		test $(($(cpu_ticks "$pd") - before_pd + $(cpu_ticks "$KS_PID") - before_ks)) -le 5

	stop_ks TERM
	check "${tag}sigterm_exits_0" test "$KS_STATUS" = 0
	sleep 0.1
	check "${tag}no_process_left" gone "$pd"
}

hello_run ""

# SIGINT ends the system the same way.
start_ks "$BIN/test-hello"
wait_for '^hello from the root task$' 10
pd=$(pd_pids)
stop_ks INT
check sigint_exits_0 test "$KS_STATUS" = 0
check sigint_no_process_left gone $pd

# Root and ordinary users get the same confinement (the latter through a
# user namespace of the PD's own).
if [ "$(id -u)" = 0 ]; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
	if ! "${as_nobody[@]}" test -x "$BIN/kernel-sim"; then
		echo "unprivileged_run: SKIPPED $BIN is not reachable for uid 65534"
	elif ! "${as_nobody[@]}" unshare -U true 2>/dev/null; then
		echo "unprivileged_run: SKIPPED this host gives ordinary users no user namespaces"
	else
		hello_run "unprivileged_" --as 65534
	fi
else
	echo "root_run: SKIPPED the tests do not run as root"
fi
