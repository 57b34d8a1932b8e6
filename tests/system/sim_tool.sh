#!/usr/bin/env bash
# The sim tool against running systems: `sim ps` shows the PD tree with
# labels, priorities and core's accounts; `sim kill LABEL` kills a
# component, which init restarts; `sim log` shows the output; two systems
# at once are told apart with --system.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_ROOT_DIR=$PWD
SIM=$PWD/$BIN/sim

scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
install_config <<EOF
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> <service name="IO_PORT"/> <service name="IRQ"/> </parent-provides>
	<default-route> <any-service> <parent/> <any-child/> </any-service> </default-route>
	<default caps="100" ram="1M"/>
	<start name="timer" ram="1M"> <provides> <service name="Timer"/> </provides> </start>
	<start name="$NAME" restart="on-failure" restart_delay_ms="10">
		<binary name="dummy"/> <config> <log string="$NAME up"/> <block/> </config>
	</start>
</config>
EOF
build_boot_image core init timer dummy
run_until --keep "$NAME up" 10
# hand over to the test, stop when it says so
echo ready >"$(boot_dir)/ready"
while [ ! -e "$(boot_dir)/done" ]; do sleep 0.05; done
kill_system
SCENARIO

start() {
	rm -rf "build/run/test-sim-$1"
	RUN_DIR=build/run/test-sim-$1 NAME=$1 bash "$scenario" >/dev/null 2>&1 &
	for _ in $(seq 200); do
		[ -e "build/run/test-sim-$1/ready" ] && return 0
		sleep 0.05
	done
	return 1
}
stop() { touch "build/run/test-sim-$1/done"; }

if start alpha && start beta; then
	ok sim_two_systems_started
else
	fail sim_two_systems_started "the scenarios did not come up"
	stop alpha
	stop beta
	exit 0
fi
A=build/run/test-sim-alpha B=build/run/test-sim-beta
ps_a=$("$SIM" --system "$A" ps --labels)
check sim_ps_lists_core test -n "$(echo "$ps_a" | awk '$5 == "core"')"
check sim_ps_lists_the_component grep -qE 'alive +1 +255 +init -> alpha +RAM [0-9]+ of [0-9]+ used, caps [0-9]+ of [0-9]+ used, 1 threads' <<<"$ps_a"
check sim_ps_tells_systems_apart test -z "$(echo "$ps_a" | grep 'init -> beta')"
check sim_ps_other_system grep -q 'init -> beta' <<<"$("$SIM" --system "$B/sim.sock" ps --labels)"
# the tree: core, init under it, the component under init, by its own name
tree=$("$SIM" --system "$A" ps)
check sim_ps_tree grep -qE '^ +[0-9]+ +alive +1 +255 +[0-9]+ KiB of [0-9]+ KiB +[0-9]+ of [0-9]+ +    alpha$' <<<"$tree"
check sim_ps_tree_order test "$(awk 'NR > 1 { print $NF }' <<<"$tree" | tr '\n' ' ')" = "core init alpha timer "
# from any directory: both systems are found (and sim asks which)
many=$(cd / && "$SIM" ps 2>&1)
check sim_finds_systems_anywhere grep -q "test-sim-beta" <<<"$many"
old=$(echo "$ps_a" | awk '/init -> alpha/ { print $1 }')
check sim_kill_answers grep -q "^killed $old (init -> alpha)" <<<"$("$SIM" --system "$A" kill "init -> alpha")"
for _ in $(seq 100); do
	[ "$(grep -c 'alpha up' "$A/log")" -ge 2 ] && break
	sleep 0.05
done
check sim_kill_crash_reported grep -q 'child "alpha" crashed: its process was killed by signal 9' "$A/log"
check sim_kill_restarted test "$(grep -c 'alpha up' "$A/log")" = 2
new=$("$SIM" --system "$A" ps --labels | awk '/init -> alpha/ { print $1 }')
check sim_restarted_is_a_new_process test -n "$new" -a "$new" != "$old"
check sim_log_shows_output grep -q '\[init -> alpha\] alpha up' <<<"$("$SIM" --system "$A" log)"
# an init-level restart: no crash, a fresh process
"$SIM" --system "$A" restart "init -> alpha" >/dev/null
for _ in $(seq 100); do
	[ "$(grep -c 'alpha up' "$A/log")" -ge 3 ] && break
	sleep 0.05
done
check sim_restart_by_init grep -q 'child "alpha" restarts on request' "$A/log"
check sim_restart_no_crash test "$(grep -c 'crashed' "$A/log")" = 1
check sim_restart_new_process test "$("$SIM" --system "$A" ps --labels | awk '/init -> alpha/ { print $1 }')" != "$new"
check sim_restart_unknown_fails test "$("$SIM" --system "$A" restart "init -> nobody" >/dev/null 2>&1; echo $?)" = 1
check sim_kill_unknown_label_fails test "$("$SIM" --system "$A" kill nobody >/dev/null 2>&1; echo $?)" = 1
check sim_no_system_fails test "$("$SIM" --system /nonexistent ps >/dev/null 2>&1; echo $?)" = 1
# init killed: the system ends, no orphaned subtree is left running
"$SIM" --system "$A" kill init >/dev/null
for _ in $(seq 200); do
	[ -e "$A/sim.sock" ] || break
	sleep 0.05
done
check sim_kill_init_reported grep -q '^core: init lost its process: the system ends$' "$A/log"
check sim_kill_init_ends_system test ! -e "$A/sim.sock"
for _ in $(seq 40); do
	pgrep -f '^\[sim\] init -> alpha$' >/dev/null || break
	sleep 0.05
done
check sim_kill_init_leaves_no_orphans test -z "$(pgrep -f '^\[sim\] init -> alpha$')"
check sim_other_system_unaffected grep -q "init -> beta" <<<"$("$SIM" --system "$B" ps --labels)"
stop alpha
stop beta
wait
