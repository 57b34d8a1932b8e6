#!/usr/bin/env bash
# The scenarios with two simulated CPUs (kernel-sim --cpus 2): a
# representative set of run/ (IPC, signals, locks, threads, priorities,
# faults and deaths, nested inits, timers, quotas); conformance_smp.sh
# runs the conformance suite so. Every run/*.run passes with one CPU
# (scenarios.sh). With two CPUs kernel-sim is an SMP kernel (its
# invocation numbering, numNodes 2): the scenarios show that core and the
# components speak it. Their CPU sessions span both CPUs, and threads
# created without a location run on the session's first, CPU 0;
# affinity.run places threads on CPU 1 by their location and by init's
# <affinity>, and checks in the kernel trace where they ran.
cd "$(dirname "$0")/../.."
export RUN_NO_BUILD=1 RUN_QUIET=1 KERNEL_SIM_ARGS="--cpus 2"
BIN=${BIN:-build/bin}

for s in hello lock threads thread entrypoint priorities restart deaths dead_server nested \
	init_loop reconfig dynamic_config resource_yield rpc_fuzz bomb timer affinity; do
	out=$(RUN_DIR="build/run/smp-$s" "run/$s.run" 2>&1)
	if [ $? -eq 0 ]; then
		echo "smp_scenario-$s: ok"
	else
		echo "smp_scenario-$s: FAILED"
		echo "$out" | tail -n 25
	fi
done
