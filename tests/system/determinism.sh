#!/usr/bin/env bash
# determinism: with one simulated CPU, no timer tick (--tick-us 0) and no
# device interrupts, kernel-sim's decisions depend only on what the threads
# ask. The conformance suite's cases that need neither (all but the device
# timers' and those whose helpers spin until preempted) run RUNS times
# (3 in make test, 10 in make soak); every run prints the same event digest.
source "$(dirname "$0")/lib.sh"
RUNS=${DETERMINISM_RUNS:-3}

# Device interrupts and clocks come in host time; spinning helpers need the tick.
# (The PREEMPT cases stay: their interrupt comes after counted kernel work.)
printf -- '-PIT* -HPET* -IRQ* -UART* -RTC* -PDLOST*\n-DELETE0003 -DELETE0004 -SCHED0000 -SCHED0003 -SCHED0021 -SCHED0101\n-SCHED0104 -SCHED0105 -THREADS0010 -THREADS0011\n' \
	>"$TMP/cases"
for ((i = 1; i <= RUNS; i++)); do
	timeout 120 "$BIN/kernel-sim" --no-control --debug-calls all --tick-us 0 --digest "$BIN/test-conformance" \
		"$TMP/cases" >"$TMP/run$i" 2>&1
	echo "$?" >"$TMP/status$i"
done

digests=$(grep -h '^kernel-sim: event digest ' "$TMP"/run* | sort | uniq -c)
echo "determinism: $RUNS runs: $(echo "$digests" | sed 's/^ *//' | tr '\n' ';')"
check determinism_runs_complete test "$(grep -lE '^[0-9]+ passed, 0 failed$' "$TMP"/run* | wc -l)" -eq "$RUNS"
check determinism_every_run_has_a_digest \
	test "$(grep -l '^kernel-sim: event digest [0-9a-f]\{16\} ([1-9][0-9]* events)$' "$TMP"/run* | wc -l)" -eq "$RUNS"
check determinism_one_digest test "$(echo "$digests" | wc -l)" -eq 1

# The digest is of the events: another sequence of cases gives another one.
mkdir -p "$TMP/one"
printf 'IPC0001\n' >"$TMP/one/cases"
timeout 60 "$BIN/kernel-sim" --no-control --debug-calls all --tick-us 0 --digest "$BIN/test-conformance" \
	"$TMP/one/cases" >"$TMP/other" 2>&1
other=$(grep -h '^kernel-sim: event digest ' "$TMP/other")
check determinism_digest_follows_the_events test -n "$other" -a "$(echo "$digests" | grep -c "${other#kernel-sim: }")" -eq 0
