#!/usr/bin/env bash
# make soak: the conformance suite again and again, two kernel-sims at a
# time (one plain, one with AddressSanitizer), to shake out races that a
# single run in `make test` is unlikely to hit. A run that does not finish
# within a minute gets SIGUSR1 (kernel-sim prints every thread and where it
# runs on the host) and its output is kept. ROUNDS=N sets the number of rounds.
# Then the teardown test with 1000 kills under IPC load (KILLS=N), whose
# totals must come back as in make test, and the scale test with 1000 PDs
# in one init (1000 of them killed while all run) and in 10 nested inits
# of 100.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-build/bin}
ROUNDS=${ROUNDS:-50}
KEEP=$(mktemp -d /tmp/sel4-sim-soak.XXXXXX)
failed=0

run_one() {
	local ks=$1 tag=$2 pid t
	"$ks" --no-control --debug-calls all "$BIN/test-conformance" >"$KEEP/$tag.out" 2>"$KEEP/$tag.err" &
	pid=$!
	for ((t = 0; t < 60; t++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -USR1 "$pid"
		sleep 1
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		echo "$tag: FAILED hung after: $(tail -n 1 "$KEEP/$tag.out") (kept in $KEEP)"
		return 1
	fi
	wait "$pid"
	if tail -n 1 "$KEEP/$tag.out" | grep -qE '^[0-9]+ passed, 0 failed$'; then
		rm -f "$KEEP/$tag.out" "$KEEP/$tag.err"
		echo "$tag: ok"
		return 0
	fi
	echo "$tag: FAILED $(grep FAILED "$KEEP/$tag.out" | head -n 1) (kept in $KEEP)"
	return 1
}

for ((r = 1; r <= ROUNDS; r++)); do
	run_one "$BIN/kernel-sim" "round$r" &
	a=$!
	run_one "$(dirname "$BIN")/asan/kernel-sim" "round$r-asan" || failed=$((failed + 1))
	wait "$a" || failed=$((failed + 1))
done
# 1000 kill -9 from the host (a third each of server and two clients)
kills=${KILLS:-1000}
teardown=$(TEARDOWN_ROUNDS=$(((kills + 2) / 3)) bash tests/system/teardown.sh)
echo "$teardown" | sed 's/^/teardown-soak-/'
# 1000 PDs, 1000 kills among them, and 10 nested inits of 100 (tests/system/scale.sh)
scale=$(SCALE_N=1000 SCALE_KILLS=$kills bash tests/system/scale.sh
	SCALE_N=100 SCALE_NESTED=10 bash tests/system/scale.sh)
echo "$scale" | sed 's/^/soak-/'
teardown=$(printf '%s\n%s' "$teardown" "$scale")
t_failed=$(echo "$teardown" | grep -c FAILED)
failed=$((failed + t_failed))
# the event digest of 10 runs without timer interrupts
determinism=$(DETERMINISM_RUNS=10 bash tests/system/determinism.sh)
echo "$determinism" | grep -E ': (ok|FAILED)' | sed 's/^/soak-/'
d_failed=$(echo "$determinism" | grep -c FAILED)
failed=$((failed + d_failed))
t_failed=$((t_failed + d_failed))
# Scenarios too long for make test (a line "# soak-only" in the .run file)
# and the full runs of those make test runs reduced ("# soak-full").
s_passed=0
for f in run/*.run; do
	grep -qE '^# soak-(only|full)' "$f" || continue
	n=$(basename "$f" .run)
	if out=$(RUN_SOAK=1 RUN_NO_BUILD=1 RUN_QUIET=1 RUN_DIR="build/run/soak-$n" "$f" 2>&1); then
		echo "soak-$n: ok"
		s_passed=$((s_passed + 1))
	else
		echo "soak-$n: FAILED"
		echo "$out" | tail -n 25
		failed=$((failed + 1))
		t_failed=$((t_failed + 1))
	fi
done
passed=$((2 * ROUNDS - (failed - t_failed) + $(echo "$teardown" | grep -c ': ok$') + \
	$(echo "$determinism" | grep -c ': ok$') + s_passed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
