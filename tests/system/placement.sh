#!/usr/bin/env bash
# Host placement: with one simulated CPU and seL4's scheduling, kernel-sim
# keeps itself and its PD processes on the host core it started on; --pin
# off, --pin N, --cpus 2 and --sched host as kernel-sim's --help says.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh

allowed() { awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$1/status"; }
mine=$(allowed $$)
cores=$(nproc --all)

# placed NAME EXPECTED KERNEL-SIM-ARGS...: kernel-sim and every PD process run on EXPECTED.
placed() {
	local name=$1 want=$2 pid bad=
	shift 2
	KS_ARGS="$*" start_children 1
	if ! wait_for 'up 1' 30; then
		fail "$name" "the system did not come up"
		stop_ks KILL
		return
	fi
	[ "$(allowed "$KS_PID")" = "$want" ] || bad="kernel-sim on $(allowed "$KS_PID")"
	for pid in $(pd_pids); do
		[ "$(allowed "$pid")" = "$want" ] || bad="$bad; PD $pid on $(allowed "$pid")"
	done
	[ "$(pd_pids | wc -l)" -ge 3 ] || bad="$bad; $(pd_pids | wc -l) PD processes"
	stop_ks
	if [ -z "$bad" ]; then ok "$name"; else fail "$name" "want $want: $bad"; fi
}

# A shell kept to one core (or a host of one) has nothing to choose from;
# --pin 1 needs core 1.
if [ "$cores" -lt 2 ] || [ "${mine//[-,]/}" = "$mine" ] || ! taskset -c 1 true 2>/dev/null; then
	echo "placement: SKIPPED this shell runs on one host core ($mine)"
	exit 0
fi

# auto: one core, one of those this shell may use
KS_ARGS="" start_children 1
if wait_for 'up 1' 30; then
	core=$(allowed "$KS_PID")
	check placement_auto_one_core test -n "$core" -a "${core//[-,]/}" = "$core"
	bad=
	for pid in $(pd_pids); do [ "$(allowed "$pid")" = "$core" ] || bad=1; done
	check placement_auto_pd_processes_follow test -z "$bad" -a "$(pd_pids | wc -l)" -ge 3
else
	fail placement_auto_one_core "the system did not come up"
fi
stop_ks

placed placement_pin_off "$mine" --pin off
placed placement_pin_1 1 --pin 1
placed placement_two_cpus_unpinned "$mine" --cpus 2
placed placement_sched_host_unpinned "$mine" --sched host
