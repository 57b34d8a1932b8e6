#!/usr/bin/env bash
# host_fds: kernel-sim run out of file descriptors (a low ulimit -n). A
# client and its server call each other all along while init starts more
# children than the descriptors allow: the children that cannot get a
# process are init's errors, kernel-sim says so once, nothing floods the
# log, and the pair keeps calling to its end. The PDs that run are still
# served from kernel-sim's descriptor reserve: while silent control clients
# keep kernel-sim's descriptor table full, a child that allocates and
# touches memory gets every page (core maps each; a map needs a descriptor
# for a moment). kernel-sim does not spin, and afterwards `sim ps` answers
# and the failures are counted.
source "$(dirname "$0")/lib.sh"

D=$TMP/boot
pair_boot_dir "$D"
FILLERS=40
{
	pair_config 150 20
	cat <<'EOF'
	<start name="late" ram="4M">
		<binary name="dummy"/>
		<config> <log string="late: up"/> <sleep ms="1500"/>
			<loop count="8"> <sleep ms="250"/> <alloc_ram bytes="262144"/> </loop>
			<log string="late: done"/> <block/> </config>
	</start>
EOF
	fillers "$FILLERS"
	echo '</config>'
} >"$D/config"

# CPU time (user + system, in clock ticks) of process $1 so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# one_run PREFIX KERNEL-SIM
one_run() {
	KS_OUT=$TMP/$1ks.out
	local sock=$TMP/$1sim.sock
	bash -c "ulimit -n 64 && exec $2 --control $sock $D/core $D/init $D/timer \
		$D/test-hello-server $D/test-hello-client $D/dummy $D/config" >"$KS_OUT" 2>&1 &
	KS_PID=$!

	check ${1}pair_calls_to_its_end wait_for '\[init -> client\] Test succeeded' 60
	started=$(grep -c '\] filler [0-9]* up$' "$KS_OUT")
	refused=$(grep -cE 'Error: child "filler[0-9]*": (cannot|PD environment session denied)' "$KS_OUT")
	echo "host-fds: ${1}run: $started fillers started, $refused refused"
	check ${1}some_children_refused test "$refused" -gt 0
	check ${1}every_child_started_or_refused test $((started + refused)) -eq "$FILLERS"
	check ${1}kernel_sim_says_so_once \
		test "$(grep -c '^kernel-sim: out of host file descriptors (open-file limit 64)' "$KS_OUT")" = 1
	check ${1}no_flood test "$(wc -l <"$KS_OUT")" -lt $((4 * FILLERS + 100))
	# core, init, timer, server, late and every filler that started (the client has ended)
	check ${1}started_children_still_run test "$(pd_pids | wc -l)" -eq $((started + 5))

	# late allocates 256 KiB eight times, 1.5 s after it came up, while
	# silent control clients hold every descriptor kernel-sim has left
	if wait_for '\[init -> late\] late: up' 30; then
		python3 tests/system/fd_pressure.py "$sock" 5 &
		local pressure=$! fds full=0 i before after
		sleep 0.5
		before=$(cpu_ticks "$KS_PID")
		for i in $(seq 40); do
			fds=$(ls "/proc/$KS_PID/fd" 2>/dev/null | wc -l)
			[ "$fds" -gt "$full" ] && full=$fds
			sleep 0.05
		done
		after=$(cpu_ticks "$KS_PID")
		echo "host-fds: ${1}run: kernel-sim held $full descriptors under pressure (limit 64)" \
			"and used $((after - before)) clock ticks in 2 s"
		check ${1}descriptor_table_full test "$full" -ge 64
		# connections it cannot take wait: no busy loop on the listener
		check ${1}full_table_without_spinning test $((after - before)) -lt $(($(getconf CLK_TCK) / 2))
		check ${1}late_child_ends wait_for '\[init -> late\] late: done' 30
		wait "$pressure"
	else
		fail ${1}late_child_up "late did not start"
	fi
	check ${1}memory_served_at_the_limit \
		test "$(grep -c '\[init -> late\] allocated and touched 262144 bytes' "$KS_OUT")" = 8
	check ${1}no_allocation_failed test "$(grep -c 'alloc_ram of .* failed\|unresolvable' "$KS_OUT")" = 0
	check ${1}sim_ps_answers sh -c "timeout 10 $BIN/sim --system $sock ps --labels | grep -q 'init -> late'"

	# idle at the limit: no busy loop anywhere (a spinning kernel-sim takes a whole CPU)
	local before after
	before=$(cpu_ticks "$KS_PID")
	sleep 2
	after=$(cpu_ticks "$KS_PID")
	echo "host-fds: ${1}run: kernel-sim used $((after - before)) clock ticks in 2 s idle"
	check ${1}idle_without_spinning test $((after - before)) -lt $(($(getconf CLK_TCK) / 2))
	kill -USR2 "$KS_PID"
	check ${1}kernel_sim_answers_and_counts \
		wait_for '^kernel-sim: frames recalled .*host resources that ran out: file descriptors [1-9]' 10
	stop_ks TERM
	check ${1}sigterm_exits_0 test "$KS_STATUS" = 0
	check ${1}no_sanitizer_report test -z "$(grep -E 'Sanitizer|runtime error' "$KS_OUT")"
}

one_run "" "$BIN/kernel-sim"
one_run asan_ "$(dirname "$BIN")/asan/kernel-sim"
