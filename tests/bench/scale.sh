#!/usr/bin/env bash
# bench scale: what a PD costs when there are many, against a bare
# fork+exec+wait of /bin/true measured in the same run.
# - boot time per PD: from kernel-sim's start until all N blocking dummy
#   children of init (1 MiB each) have logged their first line, for
#   N = 10, 100 and 1000, divided by N;
# - memory per PD: the proportional set size (Pss, shared pages counted
#   once in all) of kernel-sim and every PD process together with N PDs up,
#   per PD, and the growth from 100 to 1000 PDs per extra PD;
# - Genode's rm_stress in full (20000 attachments of one dataspace), its
#   time against Genode's 45 s limit.
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/bin}
source tests/system/lib.sh

now_ms() { date +%s%3N; }

# fork+exec+wait of /bin/true, per run in microseconds (the best of 5 x 100 runs)
floor_us() {
	local best=0 r t0 t1 i
	for r in 1 2 3 4 5; do
		t0=$(date +%s%6N)
		for ((i = 0; i < 100; i++)); do /bin/true; done
		t1=$(date +%s%6N)
		((best == 0 || t1 - t0 < best)) && best=$((t1 - t0))
	done
	echo $((best / 100))
}

# Pss in KiB of kernel-sim and every process it started
total_pss() {
	local sum=0 p v
	for p in "$KS_PID" $(pgrep -P "$KS_PID"); do
		v=$(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

ups() { grep -c '\] up [0-9]*$' "$KS_OUT" 2>/dev/null; }

floor=$(floor_us)
printf '%-58s %6d us\n' "floor: fork+exec+wait of /bin/true" "$floor"
declare -A pss
for n in 10 100 1000; do
	export KS_ARGS="--memory $((n * 3 / 2 + 256))M"
	t0=$(now_ms)
	start_children "$n"
	for ((i = 0; i < n * 20 + 1200; i++)); do
		[ "$(ups)" -ge "$n" ] && break
		kill -0 "$KS_PID" 2>/dev/null || break
		sleep 0.05
	done
	t1=$(now_ms)
	if [ "$(ups)" -ge "$n" ]; then
		per_us=$(((t1 - t0) * 1000 / n))
		printf '%-58s %6d us  (%d ms for %d PDs, %s x fork+exec+wait)\n' "boot time per PD at N=$n" \
			"$per_us" $((t1 - t0)) "$n" "$(awk -v a="$per_us" -v b="$floor" 'BEGIN { printf "%.0f", a / b }')"
		sleep 1
		pss[$n]=$(total_pss)
		printf '%-58s %6d KiB (Pss %d KiB in all)\n' "total memory per PD at N=$n" $((pss[$n] / n)) "${pss[$n]}"
	else
		echo "boot of $n PDs: only $(ups) of $n children came up"
	fi
	stop_ks TERM
done
if [ -n "${pss[100]}" ] && [ -n "${pss[1000]}" ]; then
	printf '%-58s %6d KiB\n' "total memory per extra PD (100 -> 1000)" $(((pss[1000] - pss[100]) / 900))
fi

# rm_stress in full: 10000 rounds, 20000 attachments
t0=$(now_ms)
if RUN_SOAK=1 RUN_QUIET=1 RUN_NO_BUILD=1 bash run/rm_stress.run >"$TMP/rm_stress.out" 2>&1; then
	t1=$(now_ms)
	printf '%-58s %6d ms  (Genode allows 45000 ms)\n' "rm_stress, 20000 attachments, boot to exit" $((t1 - t0))
else
	echo "rm_stress: failed: $(tail -n 3 "$TMP/rm_stress.out" | tr '\n' ' ')"
fi
