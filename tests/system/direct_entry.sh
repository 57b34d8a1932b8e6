#!/usr/bin/env bash
# The project's libsel4 enters kernel-sim through the runtime's direct
# entry, not the trap: N Call + ReplyRecv round trips make about 2N gettid
# (the entry finding its thread) and only a few SIGSYS (each thread's first
# call). Parks landing in the entry at any point neither lose a thread nor
# stall it, with the plain and the ASan+UBSan kernel-sim.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh

mkdir -p "$TMP/calls"
echo 2000 >"$TMP/calls/calls"
if command -v strace >/dev/null; then
	strace -f -qq -o "$TMP/strace" -e trace=gettid -e signal=SIGSYS \
		timeout 60 "$BIN/kernel-sim" --no-control "$BIN/bench-kernel-root" "$TMP/calls/calls" \
		>"$TMP/calls.out" 2>&1
	check direct_entry_calls_done grep -q '^bench calls: 2000$' "$TMP/calls.out"
	gettids=$(grep -c 'gettid()' "$TMP/strace")
	traps=$(grep -c 'SIGSYS' "$TMP/strace")
	check direct_entry_gettid_per_call test "$gettids" -ge 4000
	check direct_entry_few_traps test "$traps" -lt 100
else
	echo "direct_entry_calls: SKIPPED no strace"
fi

# Two threads of one priority making system calls that never block: with a
# tick of 20 us and a timeslice of one tick, parks land in their entries.
mkdir -p "$TMP/spin"
echo 2000 >"$TMP/spin/spin"
for ks in "$BIN/kernel-sim" build/asan/kernel-sim; do
	tag=$([ "$ks" = build/asan/kernel-sim ] && echo asan_ || true)
	out=$TMP/${tag}parks.out
	timeout 120 "$ks" --no-control --tick-us 20 --timeslice 1 "$BIN/bench-kernel-root" \
		"$TMP/spin/spin" >"$out" 2>&1
	status=$?
	if [ "$status" -eq 0 ] && grep -q '^bench spin: 2000$' "$out" && ! grep -q 'ending it' "$out"; then
		ok "${tag}direct_entry_parks"
	else
		fail "${tag}direct_entry_parks" "exit status $status: $(grep -v '^bench' "$out" | head -n 3)"
	fi
done
