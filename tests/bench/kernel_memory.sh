#!/usr/bin/env bash
# bench kernel_memory: what kernel-sim itself holds per PD and per frame.
# init starts FEW and then MANY blocking dummy children (1 MiB each); the
# growth of kernel-sim's anonymous memory (RssAnon, its heap: objects,
# CNode and page-table chunks) and of its open descriptors per extra PD;
# and descriptors per mapped frame from the root task test-host-memory.
# Counts, not times: they do not depend on the machine's load. MANY=1000
# measures it with a thousand PDs.
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/bin}
source tests/system/lib.sh

FEW=${FEW:-4} MANY=${MANY:-44}

# boot_children N: prints "RssAnon-KiB fds" of kernel-sim with N children up.
boot_children() {
	local n=$1
	KS_ARGS="--memory $((n * 3 / 2 + 256))M" start_children "$n"
	if wait_for "\] up $n\$" $((120 + n / 10)); then
		sleep 0.5
		echo "$(status_field "$KS_PID" RssAnon) $(ls /proc/"$KS_PID"/fd | wc -l)"
	fi
	stop_ks TERM
}

read -r few_rss few_fds <<<"$(boot_children "$FEW")"
read -r many_rss many_fds <<<"$(boot_children "$MANY")"
if [ -n "$few_rss" ] && [ -n "$many_rss" ]; then
	printf '%-58s %6d KiB  (RssAnon %d KiB with %d PDs, %d KiB with %d)\n' \
		"kernel-sim memory per PD" $(((many_rss - few_rss) / (MANY - FEW))) \
		"$few_rss" "$FEW" "$many_rss" "$MANY"
	printf '%-58s %6s      (%d with %d PDs, %d with %d)\n' "kernel-sim descriptors per PD" \
		"$(awk -v a="$few_fds" -v b="$many_fds" -v n=$((MANY - FEW)) 'BEGIN { printf "%.1f", (b - a) / n }')" \
		"$few_fds" "$FEW" "$many_fds" "$MANY"
else
	echo "kernel memory: the children did not all start"
fi

start_ks "$BIN/test-host-memory"
if wait_for '^host-memory: [0-9]+ frames mapped' 60; then
	sed -nE 's/^host-memory: ([0-9]+) frames mapped: kernel-sim fds ([0-9]+) -> ([0-9]+) -> .*/\1 \2 \3/p' "$KS_OUT" |
		while read -r n before mapped; do
			printf '%-58s %6s      (%d fds before, %d with %d frames mapped)\n' \
				"kernel-sim descriptors per mapped frame" \
				"$(awk -v a="$before" -v b="$mapped" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')" \
				"$before" "$mapped" "$n"
		done
fi
stop_ks TERM
