#!/usr/bin/env bash
# The kernel trace: `kernel-sim --trace FILE` of the printf scenario, as
# Perfetto JSON (tracks per PD and thread, IPC flows, faults) and as text
# (a known Call of test-printf's LOG session, its IPC and core's output).
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1

if KERNEL_SIM_ARGS="--trace $TMP/printf.json" RUN_DIR=build/run/test-trace-json \
	run/printf.run >"$TMP/json.out" 2>&1; then
	ok trace_json_scenario_passes
	python3 tests/system/trace_check.py "$TMP/printf.json" core init "init -> test-printf"
else
	fail trace_json_scenario_passes "$(tail -n 5 "$TMP/json.out")"
fi

if KERNEL_SIM_ARGS="--trace $TMP/printf.txt" RUN_DIR=build/run/test-trace-text \
	run/printf.run >"$TMP/text.out" 2>&1; then
	ok trace_text_scenario_passes
else
	fail trace_text_scenario_passes "$(tail -n 5 "$TMP/text.out")"
fi
t=$TMP/printf.txt
# test-printf's first LOG write: a Call on its session's endpoint, the
# message to core, and core printing the line
call='^ +[0-9]+\.[0-9]{6} \[init -> test-printf\] Call cap=0x[0-9a-f]+ type=Endpoint badge=0x[0-9a-f]+ label=0x1 len=[0-9]+ caps=0 -> BlockedOnReply$'
check trace_text_shows_call grep -qE "$call" "$t"
n=$(grep -nE "$call" "$t" | head -n 1 | cut -d: -f1)
check trace_text_shows_ipc grep -qE '^ +[0-9.]+   IPC \[init -> test-printf\] -> \[core\] badge=0x[0-9a-f]+ label=0x1 len=[0-9]+ caps=0$' <<<"$(sed -n "$((n + 1))p" "$t")"
check trace_text_shows_output grep -qF '[core] sim_DebugPutString "[init -> test-printf] -1 = -1 = -1"' "$t"
check trace_text_shows_fault grep -qE '^ +[0-9.]+   Fault \[init -> test-printf\] VMFault addr=0x[0-9a-f]+ ip=0x[0-9a-f]+ fsr=0x[0-9a-f]+ (data|instruction)$' "$t"
check trace_text_shows_reply grep -qE '^ +[0-9.]+   Reply \[core\] -> \[init -> test-printf\] ' "$t"
check trace_text_shows_kernel_error grep -qE '= seL4_(NoError|[A-Z][A-Za-z]+)$' "$t"
check trace_text_shows_pd_start grep -qE 'PD \[init -> test-printf\] process [0-9]+ started$' "$t"
