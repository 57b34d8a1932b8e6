#!/usr/bin/env bash
# host_procs: kernel-sim's user runs out of processes (RLIMIT_NPROC, which
# counts every process and thread of a user; root is exempt, so kernel-sim
# runs as a user of its own here). A client and its server call each other
# while init starts more children than the limit allows: a child whose PD
# process cannot be forked is a failed PD creation (core's PD session is
# denied, init says so in Genode's words), kernel-sim says so once, and the
# PDs that run are not starved: one of them still starts a thread after the
# limit was reached (kernel-sim's task reserve), and the pair calls to its
# end.
source "$(dirname "$0")/lib.sh"

RUN_UID=$(free_uid)
# Tasks of that user at most: kernel-sim and its task reserve, core, init,
# timer, server, client, worker and a few fillers.
LIMIT=${HOST_PROCS_LIMIT:-40}
FILLERS=30

D=$TMP/boot
pair_boot_dir "$D"
{
	pair_config 100 20
	cat <<'EOF'
	<start name="worker" ram="2M">
		<binary name="dummy"/>
		<config> <log string="worker: up"/> <sleep ms="1500"/> <thread/> <thread/>
			<log string="worker: done"/> <block/> </config>
	</start>
EOF
	fillers "$FILLERS"
	echo '</config>'
} >"$D/config"
chmod -R a+rX "$D"

if [ -z "$RUN_UID" ]; then
	fail host_procs_user "no free uid"
	exit 0
fi
no_task_of_user() { ! pgrep -u "$RUN_UID" >/dev/null; }

# one_run PREFIX KERNEL-SIM
one_run() {
	KS_OUT=$TMP/$1ks.out
	prlimit --nproc="$LIMIT:$LIMIT" -- setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups -- \
		$2 --no-control "$D/core" "$D/init" "$D/timer" "$D/test-hello-server" \
		"$D/test-hello-client" "$D/dummy" "$D/config" >"$KS_OUT" 2>&1 &
	KS_PID=$!

	check ${1}pair_calls_to_its_end wait_for '\[init -> client\] Test succeeded' 60
	check ${1}worker_starts_threads_at_the_limit wait_for '\[init -> worker\] worker: done' 30
	started=$(grep -c '\] filler [0-9]* up$' "$KS_OUT")
	denied=$(grep -c 'Error: child "filler[0-9]*": PD environment session denied (label="filler[0-9]*"' "$KS_OUT")
	core_said=$(grep -c "core: PD 'init -> filler[0-9]*' cannot be created: seL4_X86_ASIDPool_Assign returned 10 (NotEnoughMemory" "$KS_OUT")
	echo "host-procs: ${1}run: limit $LIMIT tasks of uid $RUN_UID: $started fillers started, $denied denied" \
		"(core: $core_said)"
	check ${1}some_children_denied test "$denied" -gt 0
	check ${1}every_child_started_or_denied test $((started + denied)) -eq "$FILLERS"
	check ${1}core_reports_each_failed_pd test "$core_said" -eq "$denied"
	check ${1}kernel_sim_says_so_once \
		test "$(grep -c "^kernel-sim: out of host processes (process limit $LIMIT) while" "$KS_OUT")" = 1
	check ${1}worker_threads_ran test "$(grep -c '\[init -> worker\] thread [12] joined' "$KS_OUT")" = 2
	check ${1}no_pd_ended test "$(grep -c 'ending it\|PD lost\|cannot start its main thread' "$KS_OUT")" = 0
	check ${1}no_flood test "$(wc -l <"$KS_OUT")" -lt $((4 * FILLERS + 100))
	# every task the user has is kernel-sim's: its limit was reached, not passed
	local tasks
	tasks=$(ps -L -u "$RUN_UID" --no-headers | wc -l)
	echo "host-procs: ${1}run: $tasks tasks of uid $RUN_UID"
	check ${1}at_most_the_limit test "$tasks" -le "$LIMIT"
	kill -USR2 "$KS_PID"
	check ${1}kernel_sim_counts wait_for 'host resources that ran out: .*processes [1-9]' 10
	stop_ks TERM
	check ${1}sigterm_exits_0 test "$KS_STATUS" = 0
	check ${1}no_sanitizer_report test -z "$(grep -E 'Sanitizer|runtime error' "$KS_OUT")"
	# every PD process and sleeper ends with kernel-sim (they go as Linux reaps them)
	local left=1
	for _ in $(seq 200); do
		no_task_of_user && left= && break
		sleep 0.05
	done
	check ${1}no_task_left test -z "$left"
}

one_run "" "$BIN/kernel-sim"
one_run asan_ "$(dirname "$BIN")/asan/kernel-sim"
