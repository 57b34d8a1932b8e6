#!/usr/bin/env bash
# The conformance suite with two simulated CPUs (kernel-sim --cpus 2): an
# SMP kernel, where the suite adds its SMP and MULTICORE cases, which run
# threads on both CPUs. The device cases (conformance.sh runs them) measure
# host time, not scheduling, and are left out.
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/bin}

mkdir -p "${TMPDIR:-/tmp}/smp.$$"
printf -- '-PIT* -HPET* -RTC* -UART*\n' >"${TMPDIR:-/tmp}/smp.$$/cases"
out=$(timeout 240 "$BIN/kernel-sim" --no-control --debug-calls all --cpus 2 "$BIN/test-conformance" \
	"${TMPDIR:-/tmp}/smp.$$/cases" 2>&1)
rm -rf "${TMPDIR:-/tmp}/smp.$$"
if echo "$out" | grep -qE '^[0-9]+ passed, 0 failed$'; then
	echo "smp_conformance: ok"
else
	echo "smp_conformance: FAILED"
	echo "$out" | grep -E 'FAILED|passed' | head -n 10
fi
