#!/usr/bin/env bash
# host_memory: what frames cost the host and who can reach them
# (tests/roottask/host_memory.c), with the private tmpfs, with the memfd
# fallback, and run by an ordinary user.
source "$(dirname "$0")/lib.sh"

# run_host_memory PREFIX [--as USER] [KERNEL-SIM OPTIONS...]
run_host_memory() {
	local prefix=$1 as=()
	shift
	if [ "${1:-}" = --as ]; then
		as=(--as "$2")
		shift 2
	fi
	cp "$BIN/test-host-memory" "$TMP/test-host-memory"
	: >"$TMP/memfd-frames"
	local modules=()
	[ "${1:-}" = --memfd-frames ] && modules=("$TMP/memfd-frames")
	# --sched host: the thief races the runtime's control thread for a map
	# command while the root task sends it, which needs both to run at once;
	# seL4's scheduling on one CPU runs the thief only once the command was
	# taken.
	start_ks "${as[@]}" --sched host "$@" "$TMP/test-host-memory" "${modules[@]}"
	if ! wait_for '^test-host-memory: done' 60; then
		fail "${prefix}host_memory_completes" "no end within 60 s"
		stop_ks KILL
		return
	fi
	grep -E '^[A-Z_0-9]+: (ok|FAILED)' "$KS_OUT" | sed "s/^/$prefix/"
	# what the root task said about a failure (its assertions come first)
	grep -q '^[A-Z_0-9]*: FAILED' "$KS_OUT" && grep -vE '^[A-Z_0-9]+: ok' "$KS_OUT" | tail -n 20
	measure_hoarder "$prefix"
	stop_ks TERM
}

# The hoarder's host memory from /proc: no more than the frames its VSpace
# maps and the documented overhead (the runtime, 128 KiB at most, 64 KiB per
# thread block, and 256 KiB of rounding of its RLIMIT_AS).
measure_hoarder() {
	local prefix=$1 line name pid frames size rss limit
	line=$(grep -E "^host-memory: hoarder 'child [0-9]+'" "$KS_OUT")
	name=$(echo "$line" | sed -E "s/.*'(child [0-9]+)'.*/\1/")
	frames=$(echo "$line" | sed -E 's/.*: ([0-9]+) KiB of frames mapped.*/\1/')
	pid=$(pgrep -P "$KS_PID" -xf "\[sim\] $name *" | head -n 1)
	if [ -z "$pid" ] || [ -z "$frames" ]; then
		fail "${prefix}hoarder_host_memory_within_frames_and_overhead" "no hoarder process ($line)"
		return
	fi
	size=$(status_field "$pid" VmSize)
	rss=$(status_field "$pid" VmRSS)
	limit=$(awk '/^Max address space/ { print $4 }' "/proc/$pid/limits")
	local bound=$((frames + 128 + 64 * 2 + 256))
	echo "host-memory: ${prefix}hoarder: frames $frames KiB, VmSize $size KiB, VmRSS $rss KiB, RLIMIT_AS $((limit / 1024)) KiB, bound $bound KiB"
	check "${prefix}hoarder_host_memory_within_frames_and_overhead" \
		test "$size" -le "$bound" -a "$rss" -le "$bound" -a "$((limit / 1024))" -le "$bound"
}

run_host_memory ""
KS=$(dirname "$BIN")/asan/kernel-sim run_host_memory "asan_"
run_host_memory "memfd_" --memfd-frames
chmod 755 "$TMP"
chmod 644 "$TMP"/test-host-memory "$TMP/memfd-frames" 2>/dev/null
chmod 755 "$TMP/test-host-memory"
run_host_memory "unprivileged_" --as 65534

# kernel-sim's own memory per PD: init with FEW and then MANY blocking
# children; the growth of kernel-sim's anonymous memory per extra PD.
boot_children() {
	local n=$1
	start_children "$n"
	if ! wait_for "\] up $n\$" 60; then
		stop_ks KILL
		echo 0
		return
	fi
	sleep 0.5
	status_field "$KS_PID" RssAnon
	stop_ks TERM
}
FEW=4 MANY=44
few=$(boot_children $FEW)
many=$(boot_children $MANY)
if [ "${few:-0}" -gt 0 ] && [ "${many:-0}" -gt 0 ]; then
	per_pd=$(((many - few) / (MANY - FEW)))
	echo "host-memory: kernel-sim RssAnon ${few} KiB with $FEW children, ${many} KiB with $MANY: $per_pd KiB per PD"
	check kernel_sim_memory_per_pd_at_most_64k test "$per_pd" -le 64
else
	fail kernel_sim_memory_per_pd_at_most_64k "the children did not all start ($few, $many)"
fi
