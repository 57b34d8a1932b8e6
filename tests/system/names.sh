#!/usr/bin/env bash
# Every component's process shows its label chain ("[sim] init -> sub ->
# sleeper"), core's shows "[sim] core".
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_DIR=build/run/test-names RUN_ROOT_DIR=$PWD

scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
install_config <<'EOF'
<config>
	<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> </parent-provides>
	<default-route> <any-service> <parent/> </any-service> </default-route>
	<default caps="200"/>
	<start name="sub" caps="1000">
		<binary name="init"/>
		<resource name="RAM" quantum="8M"/>
		<config>
			<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> </parent-provides>
			<default-route> <any-service> <parent/> </any-service> </default-route>
			<default caps="100"/>
			<start name="sleeper">
				<binary name="dummy"/>
				<resource name="RAM" quantum="1M"/>
				<config> <log string="sleeping"/> <block/> </config>
			</start>
		</config>
	</start>
</config>
EOF
build_boot_image core init dummy
run_until --keep 'sleeping' 10
ks=$(kernel_sim_pid)
sleep 0.2
ps -o pid=,args= --ppid "$ks" >"$RUN_ROOT_DIR/build/run/test-names.ps"
kill_system
SCENARIO

if bash "$scenario" >/dev/null 2>&1; then
	ok names_scenario_ran
else
	fail names_scenario_ran "the scenario did not reach its blocking child"
fi
list=build/run/test-names.ps
for name in "core" "init" "init -> sub" "init -> sub -> sleeper"; do
	tag=$(echo "$name" | tr -c 'a-z\n' _)
	check "process_named_${tag}" grep -qE "^ *[0-9]+ \[sim\] $name\$" "$list"
done
check four_pd_processes test "$(wc -l <"$list")" = 4
