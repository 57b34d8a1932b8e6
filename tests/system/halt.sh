#!/usr/bin/env bash
# test-halt: seL4_DebugHalt with rdi and rax left to chance (real libsel4)
# ends kernel-sim with exit status 0, after seL4's line.
source "$(dirname "$0")/lib.sh"

out=$TMP/halt.out
timeout 20 "$BIN/kernel-sim" --no-control "$BIN/test-halt" >"$out" 2>&1
status=$?
check halt_exit_status_0 test "$status" = 0
check halt_prints_seL4_line grep -qE '^Debug halt syscall from user thread 0x[0-9a-f]+ "test-halt"$' "$out"
check halt_stops_the_caller test "$(grep -c 'still running' "$out")" = 0
