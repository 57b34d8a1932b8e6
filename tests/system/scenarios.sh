#!/usr/bin/env bash
# The Genode-style scenarios of run/: core, init and components, each run
# with the plain kernel-sim (here) and with the ASan+UBSan one
# (scenarios_asan.sh runs this with SCENARIO_KERNELS set): two tests, each
# within tests/run's time limit.
cd "$(dirname "$0")/../.."
export RUN_NO_BUILD=1 RUN_QUIET=1

# Every run/*.run but the demo (make run) and scenarios that declare
# themselves soak-only with a line "# soak-only" (make soak runs them).
SCENARIOS=$(for f in run/*.run; do
	grep -q '^# soak-only' "$f" && continue
	n=$(basename "$f" .run)
	[ "$n" = demo ] || echo "$n"
done)

for kernel in ${SCENARIO_KERNELS:-build/bin/kernel-sim}; do
	tag=$([ "$kernel" = build/bin/kernel-sim ] && echo scenario || echo asan_scenario)
	for s in $SCENARIOS; do
		out=$(KERNEL_SIM=$kernel RUN_DIR="build/run/$tag-$s" "run/$s.run" 2>&1)
		if [ $? -eq 0 ]; then
			echo "$tag-$s: ok"
		else
			echo "$tag-$s: FAILED"
			echo "$out" | tail -n 25
		fi
	done
done
