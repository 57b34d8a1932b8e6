#!/usr/bin/env bash
# scale: many PDs booted and torn down, and nothing lost. init starts
# SCALE_N dummy children (300 in make test; make soak: 1000, and 10 nested
# inits of 100 with SCALE_NESTED=10); all of them run and `sim ps` lists
# them; then the config loses them and init tears them all down. This
# happens twice: kernel-sim's processes, threads and fds must be back at
# their start after each round, and every total of kernel-sim and core
# (objects, RAM, slots, PDs, init's accounts) the same after the second
# round as after the first (core's heap keeps what it grew to in the first).
# Core's heap never shrinks (it keeps its pages for reuse) and may grow a
# little from round to round as free pages fragment: the totals are
# compared without it (core reports its size), and without core's slots,
# which depend on where long-lived blocks landed in the buddy system. The
# same holds for the paging structures of the address spaces that stay
# (core's, init's): init's allocations land elsewhere after a thousand
# restarts, and a live address space keeps its page tables; core reports
# how many all live address spaces hold, and kernel-sim must hold no other.
# The totals are taken as soon as the processes are gone: init releases
# what it holds for a child at core before the child's PD, so they are final.
# SCALE_KILLS=K kills K children at random with kill -9 while all run
# (init restarts each) before the last teardown.
cd "$(dirname "$0")/../.."
source tests/system/lib.sh
export RUN_NO_BUILD=1 RUN_QUIET=1 RUN_ROOT_DIR=$PWD
export SCALE_N=${SCALE_N:-300} SCALE_NESTED=${SCALE_NESTED:-0} SCALE_KILLS=${SCALE_KILLS:-0}
export SCALE_ROUNDS=${SCALE_ROUNDS:-2}
export SIM=$PWD/$BIN/sim
tag=scale_$SCALE_N${SCALE_NESTED:+_nested$SCALE_NESTED}
tag=${tag%_nested0}

scenario=$(mktemp)
trap 'rm -f "$scenario"' EXIT
cat >"$scenario" <<'SCENARIO'
source "$RUN_ROOT_DIR/scripts/run.sh"
create_boot_directory
provides='<parent-provides> <service name="LOG"/> <service name="ROM"/> <service name="PD"/> <service name="CPU"/> <service name="RM"/> </parent-provides>'
dummies() {
	local i
	for i in $(seq "$1"); do
		echo "<start name=\"d$i\" restart=\"on-failure\" restart_delay_ms=\"1\"> <binary name=\"dummy\"/> <config> <log string=\"up\"/> <block/> </config> </start>"
	done
}
# the config of round R with or without the children
config() {
	echo "<config> $provides <default-route> <any-service> <parent/> </any-service> </default-route> <default caps=\"100\" ram=\"1M\"/>"
	echo "<start name=\"marker\" version=\"$1\"> <binary name=\"dummy\"/> <config> <log string=\"round $1\"/> <block/> </config> </start>"
	if [ "$2" = with ] && [ "$SCALE_NESTED" -gt 0 ]; then
		local k
		for k in $(seq "$SCALE_NESTED"); do
			echo "<start name=\"sub$k\" caps=\"$((SCALE_N * 110 + 1000))\" ram=\"$((SCALE_N * 1500 + 8000))K\"> <binary name=\"init\"/>"
			echo "<config> $provides <default-route> <any-service> <parent/> </any-service> </default-route> <default caps=\"100\" ram=\"1M\"/>"
			dummies "$SCALE_N"
			echo "</config> </start>"
		done
	elif [ "$2" = with ]; then
		dummies "$SCALE_N"
	fi
	echo "</config>"
}
config 0 without | install_config
build_boot_image core init dummy
run_until --keep 'round 0' 20
ks=$(kernel_sim_pid)
log=$(log_file)
total=$((SCALE_NESTED > 0 ? SCALE_NESTED * SCALE_N : SCALE_N))
procs() { ps -o pid= --ppid "$ks" | wc -l; }
# wait until COMMAND (a condition) holds, at most SECONDS
await() {
	local limit=$1 t
	shift
	for ((t = 0; t < limit * 10; t++)); do
		"$@" && return 0
		sleep 0.1
	done
	echo "scale: waited $limit s in vain for: $*" >&2
	kill -USR1 "$ks"
	sleep 1
	kill_system
	exit 1
}
ups() { [ "$(grep -ac '\] up$' "$log")" -ge "$1" ]; }
procs_are() { [ "$(procs)" -eq "$1" ]; }
totals() {
	local before
	before=$(grep -ac 'core: totals:' "$log")
	kill -USR2 "$ks"
	await 30 eval '[ "$(grep -ac "core: totals:" "$log")" -gt '"$before"' ]'
	sleep 0.5 # the per-PD lines follow
	{
		grep -a 'kernel-sim: totals:' "$log" | tail -n 1
		grep -a 'kernel-sim: objects:' "$log" | tail -n 1
		grep -a 'core: totals:' "$log" | tail -n 1
		# the accounts of the last report
		awk '/core: totals:/ { n = 0 } /core:   PD/ { pd[++n] = $0 } END { for (i = 1; i <= n; i++) print pd[i] }' "$log" | sort
	} >"$1"
}
# the totals without core's heap (its pages, frames, frame files) and slots,
# and without the paging structures of live address spaces
normalize() {
	awk '/core: totals:/ { match($0, /heap [0-9]+ KiB/); h = substr($0, RSTART + 5, RLENGTH - 9) + 0
			       match($0, /, [0-9]+ paging structures in all/); t = substr($0, RSTART + 2, RLENGTH - 27) + 0 }
	     { lines[NR] = $0 }
	     END { for (i = 1; i <= NR; i++) { l = lines[i]
		if (l ~ /kernel-sim: totals:/) { split(l, w, " "); for (j in w) if (w[j] == "frame") w[j - 1] -= h / 4
			l = ""; for (j = 1; j <= length(w); j++) l = l (j > 1 ? " " : "") w[j] }
		if (l ~ /kernel-sim: objects:/) { n = split(l, w, " "); for (j = 1; j <= n; j++) if (w[j] == "4K") w[j - 1] -= h / 4
			l = ""; p = -t; for (j = 1; j <= n; j++) { if (w[j] ~ /^(PDPTs|page)/) p += w[j - 1]
				if (w[j] ~ /^(PDPTs,?|page|tables,?|directories,?)$/ || w[j + 1] ~ /^(PDPTs|page)/) continue
				l = l (j > 1 ? " " : "") w[j] }
			l = l " " p " paging structures besides those of live address spaces" }
		if (l ~ /core: totals:/) { split(l, w, " "); free = w[3]; used = w[7]
			l = sprintf("core: totals: %d KiB RAM free and %d KiB in use besides the heap and paging structures, %s objects, %s PDs", free + h + 4 * t, used - h - 4 * t, w[11], w[15]) }
		print l } }' "$1"
}
base=$(procs)
totals "$(boot_dir)/start"
seen=0
for round in $(seq "$SCALE_ROUNDS"); do
	start=$SECONDS
	config "$round" with >"$(boot_dir)/config.new"
	mv "$(boot_dir)/config.new" "$(boot_dir)/config"
	seen=$((seen + total))
	await $((total / 5 + 60)) ups "$seen"
	echo "$((SECONDS - start))" >"$(boot_dir)/boot_s.$round"
	await 30 procs_are $((base + total + SCALE_NESTED))
	"$SIM" --system "$(boot_dir)" ps --labels >"$(boot_dir)/ps.$round"
	# kills in the last round only: its totals must still match the first's
	for ((k = 0; round == SCALE_ROUNDS && k < SCALE_KILLS; k++)); do
		victim=$(ps -o pid=,args= --ppid "$ks" | grep -E '\] init -> (sub[0-9]+ -> )?d[0-9]+$' | shuf -n 1 | awk '{ print $1 }')
		kill -9 "$victim"
		seen=$((seen + 1))
		await 30 ups "$seen"
	done
	config "$round" without >"$(boot_dir)/config.new"
	mv "$(boot_dir)/config.new" "$(boot_dir)/config"
	start=$SECONDS
	await $((total / 5 + 60)) procs_are "$base"
	echo "$((SECONDS - start))" >"$(boot_dir)/teardown_s.$round"
	totals "$(boot_dir)/after.$round"
	normalize "$(boot_dir)/after.$round" >"$(boot_dir)/normal.$round"
	# a killed PD's frame files go when Linux reports its process gone, which
	# may come after the count of processes: read again while they differ (5 s)
	for ((try = 0; round > 1 && try < 5; try++)); do
		cmp -s "$(boot_dir)/normal.1" "$(boot_dir)/normal.$round" && break
		sleep 1
		totals "$(boot_dir)/after.$round"
		normalize "$(boot_dir)/after.$round" >"$(boot_dir)/normal.$round"
	done
done
zombies=$(ps -o stat= --ppid "$ks" | grep -c Z || true)
kill_system
echo "$zombies" >"$(boot_dir)/zombies"
SCENARIO

KERNEL_SIM_ARGS="--memory $(((SCALE_N * (SCALE_NESTED > 0 ? SCALE_NESTED : 1) * 3 / 2 + 512)))M" \
	RUN_DIR=build/run/$tag bash "$scenario" >build/run/$tag.out 2>&1
status=$?
dir=build/run/$tag
if [ "$status" = 0 ]; then
	ok ${tag}_booted_and_torn_down
else
	fail ${tag}_booted_and_torn_down "$(tail -n 3 build/run/$tag.out | tr '\n' ' ')"
	exit 0
fi
total=$((SCALE_NESTED > 0 ? SCALE_NESTED * SCALE_N : SCALE_N))
listed=$(grep -cE 'init -> (sub[0-9]+ -> )?d[0-9]+ ' "$dir/ps.2")
check ${tag}_sim_ps_lists_all test "$listed" = "$total"
# kernel-sim's processes, threads and fds are back at their start after each round
for r in 1 2; do
	check ${tag}_round${r}_host_totals_return test "$(head -n 1 "$dir/start" | sed 's/ fds.*//')" = "$(head -n 1 "$dir/after.$r" | sed 's/ fds.*//')"
done
if diff -u "$dir/normal.1" "$dir/normal.2" >"$dir/totals.diff"; then
	ok ${tag}_all_totals_return
else
	fail ${tag}_all_totals_return "$(tail -n +3 "$dir/totals.diff" | tr '\n' ' ')"
fi
check ${tag}_core_pds_return test "$(grep -o '[0-9]* PDs' "$dir/start")" = "$(grep -o '[0-9]* PDs' "$dir/after.2")"
check ${tag}_no_zombies test "$(cat "$dir/zombies")" = 0
echo "$tag: $total PDs booted in $(cat "$dir/boot_s.2") s, torn down in $(cat "$dir/teardown_s.2") s"
