#!/usr/bin/env bash
# The Genode-style scenarios of run/: core, init and components, each run
# with the plain kernel-sim and with the ASan+UBSan one.
cd "$(dirname "$0")/../.."
export RUN_NO_BUILD=1 RUN_QUIET=1

SCENARIOS="printf log nested bad_config bad_xml thread rm pit uart iomem pf_log rpc_fuzz hello priorities okl4_nested quota reexport reconfig restart dead_server deaths"

for kernel in build/bin/kernel-sim build/asan/kernel-sim; do
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
