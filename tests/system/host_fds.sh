#!/usr/bin/env bash
# host_fds: kernel-sim run out of file descriptors (a low ulimit -n). A
# client and its server call each other all along while init starts more
# children than the descriptors allow: the children that cannot get a
# process are init's errors, kernel-sim says so once, nothing floods the
# log, and the pair keeps calling to its end; after that kernel-sim still
# answers and counts the failures.
source "$(dirname "$0")/lib.sh"

D=$TMP/boot
mkdir -p "$D"
cp "$BIN/core" "$BIN/init" "$BIN/timer" "$BIN/test-hello-server" "$BIN/test-hello-client" \
	"$BIN/dummy" "$D/"
FILLERS=40
{
	cat <<'EOF'
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="server"> <binary name="test-hello-server"/> <provides> <service name="Hello"/> </provides> </start>
	<start name="client">
		<binary name="test-hello-client"/>
		<config calls="150" period_ms="20"/>
		<route>
			<service name="Hello"> <child name="server"/> </service>
			<any-service> <parent/> <any-child/> </any-service>
		</route>
	</start>
EOF
	for i in $(seq "$FILLERS"); do
		echo "	<start name=\"filler$i\"> <binary name=\"dummy\"/> <config> <log string=\"filler $i up\"/> <block/> </config> </start>"
	done
	echo '</config>'
} >"$D/config"

# one_run PREFIX KERNEL-SIM
one_run() {
	KS_OUT=$TMP/$1ks.out
	bash -c "ulimit -n 64 && exec $2 --no-control $D/core $D/init $D/timer \
		$D/test-hello-server $D/test-hello-client $D/dummy $D/config" >"$KS_OUT" 2>&1 &
	KS_PID=$!

	check ${1}pair_calls_to_its_end wait_for '\[init -> client\] Test succeeded' 60
	started=$(grep -c '\] filler [0-9]* up$' "$KS_OUT")
	refused=$(grep -c 'Error: child "filler[0-9]*": cannot' "$KS_OUT")
	echo "host-fds: ${1}run: $started fillers started, $refused refused"
	check ${1}some_children_refused test "$refused" -gt 0
	check ${1}every_child_started_or_refused test $((started + refused)) -eq "$FILLERS"
	check ${1}kernel_sim_says_so_once \
		test "$(grep -c '^kernel-sim: out of host file descriptors (open-file limit 64)' "$KS_OUT")" = 1
	check ${1}no_flood test "$(wc -l <"$KS_OUT")" -lt $((4 * FILLERS + 100))
	# core, init, timer, server and every filler that started (the client has ended)
	check ${1}started_children_still_run test "$(pd_pids | wc -l)" -eq $((started + 4))
	kill -USR2 "$KS_PID"
	check ${1}kernel_sim_answers_and_counts \
		wait_for '^kernel-sim: frames recalled .*host resources that ran out: file descriptors [1-9]' 10
	stop_ks TERM
	check ${1}sigterm_exits_0 test "$KS_STATUS" = 0
	check ${1}no_sanitizer_report test -z "$(grep -E 'Sanitizer|runtime error' "$KS_OUT")"
}

one_run "" "$BIN/kernel-sim"
one_run asan_ "$(dirname "$BIN")/asan/kernel-sim"
