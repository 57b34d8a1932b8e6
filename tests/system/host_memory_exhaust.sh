#!/usr/bin/env bash
# host_memory_exhaust: host memory and address space run out.
#  1. kernel-sim's own memory (RLIMIT_AS on kernel-sim): a root task
#     (tests/roottask/host_exhaust.c) retypes objects until the host has no
#     memory for more: Untyped_Retype fails with NotEnoughMemory and makes
#     nothing, again and again, while a client/server pair in a PD of its
#     own keeps calling; deleting the objects gives the memory back.
#  2. A PD process's address space (its RLIMIT_AS, which kernel-sim raises
#     for every frame mapped; a hard limit set from outside caps it, here
#     the one kernel-sim's PD processes inherit, kernel-sim running as an
#     ordinary user who cannot raise it): a component allocating RAM gets
#     to the limit, core's Page_Map fails with NotEnoughMemory, the
#     component faults (core and init say so), kernel-sim says so once and
#     does not spin, no PD is ended, and a client/server pair elsewhere
#     calls to its end.
# Both plain kernel-sim only: AddressSanitizer cannot run under RLIMIT_AS.
source "$(dirname "$0")/lib.sh"

# CPU time (user + system, in clock ticks) of process $1 so far
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# --- 1. kernel-sim's memory -------------------------------------------------
LIMIT_MIB=48
KS_OUT=$TMP/kernel.out
prlimit --as=$((LIMIT_MIB << 20)):$((LIMIT_MIB << 20)) -- \
	"$BIN/kernel-sim" --no-control -m 1G "$BIN/test-host-exhaust" >"$KS_OUT" 2>&1 &
KS_PID=$!
if wait_for '^test-host-exhaust: done' 60; then
	grep -E '^EXHAUST_[A-Z_]+: (ok|FAILED)' "$KS_OUT" | sed 's/^/memory_/'
	grep -q '^EXHAUST_[A-Z_]*: FAILED' "$KS_OUT" && grep -vE '^EXHAUST_[A-Z_]+: ok' "$KS_OUT" | tail -n 20
	grep '^host-exhaust:' "$KS_OUT"
else
	fail memory_root_task_completes "no end within 60 s"
fi
check memory_kernel_sim_says_so_once \
	test "$(grep -c '^kernel-sim: out of host memory while creating kernel objects' "$KS_OUT")" = 1
check memory_no_flood test "$(wc -l <"$KS_OUT")" -lt 100
check memory_kernel_sim_runs_on kill -0 "$KS_PID"
stop_ks TERM
check memory_sigterm_exits_0 test "$KS_STATUS" = 0

# --- 2. a PD process's address space ----------------------------------------
RUN_UID=$(free_uid)
D=$TMP/boot
pair_boot_dir "$D"
# each PD process may map 14 MiB in all (kernel-sim itself, which the limit
# binds too, needs under 10); the hog asks for 16 MiB in steps of 256 KiB,
# which core keeps mapped (its VM CNode holds 4,096 pages)
AS_MIB=14
{
	pair_config 100 20
	cat <<'EOF'
	<start name="hog" ram="64M" caps="400">
		<binary name="dummy"/>
		<config> <log string="hog: up"/>
			<loop count="64"> <alloc_ram bytes="262144" quiet="yes"/> </loop>
			<log string="hog: done"/> <block/> </config>
	</start>
</config>
EOF
} >"$D/config"
chmod -R a+rX "$D"
KS_OUT=$TMP/pd.out
prlimit --as=$((AS_MIB << 20)):$((AS_MIB << 20)) -- \
	setpriv --reuid="$RUN_UID" --regid="$RUN_UID" --clear-groups -- \
	"$BIN/kernel-sim" --no-control "$D/core" "$D/init" "$D/timer" "$D/test-hello-server" \
	"$D/test-hello-client" "$D/dummy" "$D/config" >"$KS_OUT" 2>&1 &
KS_PID=$!
check mappings_pair_calls_to_its_end wait_for '\[init -> client\] Test succeeded' 60
check mappings_hog_faults wait_for "core: unresolvable page fault: pd='init -> hog'.*no memory for the mapping" 30
check mappings_init_reports_crash grep -q 'Error: child "hog" crashed: unresolvable write fault' "$KS_OUT"
check mappings_page_map_refused \
	test "$(grep -c "^kernel-sim: out of host mappings while mapping a frame (the PD process's address-space limit)" "$KS_OUT")" = 1
check mappings_no_pd_lost test "$(grep -c 'ending it\|PD lost' "$KS_OUT")" = 0
check mappings_hog_not_done test "$(grep -c 'hog: done' "$KS_OUT")" = 0
check mappings_no_flood test "$(wc -l <"$KS_OUT")" -lt 100
before=$(cpu_ticks "$KS_PID")
sleep 2
after=$(cpu_ticks "$KS_PID")
echo "host-memory-exhaust: kernel-sim used $((after - before)) clock ticks in 2 s with the hog faulted"
check mappings_idle_without_spinning test $((after - before)) -lt $(($(getconf CLK_TCK) / 2))
kill -USR2 "$KS_PID"
check mappings_counted wait_for 'host resources that ran out: .*mappings [1-9]' 10
stop_ks TERM
check mappings_sigterm_exits_0 test "$KS_STATUS" = 0
