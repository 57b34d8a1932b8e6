#!/usr/bin/env bash
# make fuzz: the random-invocation root task under the plain and the
# ASan+UBSan kernel-sim, then the libFuzzer harness over trap decoding.
#   FUZZ_SECONDS   how long each of the three runs (default 60)
#   FUZZ_SEED      the root task's seed (default: the time)
#   FUZZ_CORPUS    the harness's corpus directory (default build/fuzz/corpus)
# A crash, a sanitizer report or a leak after a round fails it.
# kernel-sim's line coverage under fuzz-invoke: build it apart with
#   make BUILD=DIR HOST_CFLAGS="-std=gnu11 -O1 -g --coverage -D_GNU_SOURCE -Iprotocol -IDIR/gen" \
#        HOST_LIBS="-lseccomp -lcap --coverage" DIR/bin/kernel-sim DIR/bin/pd-host DIR/bin/fuzz-invoke
# run DIR/bin/kernel-sim on DIR/bin/fuzz-invoke, end it with SIGINT, then
#   gcov -n -o DIR/obj/host/kernel-sim/object kernel-sim/object/*.c   (and so on)
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-$(date +%s)}
corpus=${FUZZ_CORPUS:-build/fuzz/corpus}
status=0

invoke() {
	local tag=$1 ks=$2 dir
	dir=$(mktemp -d /tmp/sel4-sim-fuzz.XXXXXX)
	echo "$seed 0 2000" >"$dir/fuzz.args"
	(cd "$dir" && exec timeout -s INT "$secs" "$ks" --no-control "$OLDPWD/build/bin/fuzz-invoke" fuzz.args) \
		>"$dir/out" 2>&1
	local rc=$?
	local last rounds
	last=$(grep -a '^fuzz-invoke: round' "$dir/out" | tail -n 1)
	rounds=$(grep -ac '^fuzz-invoke: round' "$dir/out")
	echo "fuzz-invoke ($tag, seed $seed): $rounds rounds; ${last#fuzz-invoke: }"
	if grep -aq ' LEAK$' "$dir/out" || grep -aqE '^==[0-9]+==ERROR|runtime error:' "$dir/out" ||
		{ [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }; then
		echo "fuzz-invoke ($tag): FAILED (exit status $rc); output in $dir/out"
		grep -aE ' LEAK$|ERROR|runtime error' "$dir/out" | head -n 5
		status=1
	else
		rm -rf "$dir"
	fi
}

invoke plain "$PWD/build/bin/kernel-sim"
invoke asan "$PWD/build/asan/kernel-sim"

mkdir -p "$corpus"
build/fuzz/trap-fuzz -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build/fuzz/ \
	"$corpus" >build/fuzz/trap-fuzz.log 2>&1
rc=$?
grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|cov:' build/fuzz/trap-fuzz.log | tail -n 3
if [ "$rc" -ne 0 ]; then
	echo "trap-fuzz: FAILED (exit status $rc); see build/fuzz/trap-fuzz.log"
	status=1
fi
exit $status
