#!/usr/bin/env bash
# The run tool (scripts/run.sh): small scenario scripts boot test-hello, a
# root task that is not an ELF file and fake kernels, and the library has to
# match output, time out, stop the system without leaving a process behind,
# and compare output, from any working directory.
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=run-tool-test-$$
DEFAULT_BOOT=$ROOT/build/run/$NAME
trap 'rm -rf "$DEFAULT_BOOT"; rmdir "$ROOT/build/run" 2>/dev/null; cleanup' EXIT
mkdir -p "$TMP/elsewhere"
export RUN_NO_BUILD=1
unset RUN_DIR RUN_QUIET KERNEL_SIM KERNEL_SIM_ARGS RUN_STOP_GRACE

# scenario NAME: a scenario script $TMP/NAME.run with the body from stdin.
scenario() {
	{
		echo '#!/usr/bin/env bash'
		echo "source '$ROOT/scripts/run.sh'"
		cat
	} >"$TMP/$1.run"
	chmod +x "$TMP/$1.run"
}

# play NAME [VAR=VALUE...]: run scenario NAME from another directory with
# its own boot directory; sets st (exit status), ms (how long it took) and
# OUT and ERR (files with what it printed).
play() {
	local name=$1 t0
	shift
	OUT=$TMP/$name.out
	ERR=$TMP/$name.err
	t0=${EPOCHREALTIME/[.,]/}
	(cd "$TMP/elsewhere" && env RUN_DIR="$TMP/boot-$name" "$@" "$TMP/$name.run") >"$OUT" 2>"$ERR"
	st=$?
	ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
}

# expect CASE COMMAND...: like check, showing the last scenario's output.
expect() {
	local name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		fail "$name" "($*), exit status $st"
		sed 's/^/    stdout> /' "$OUT" | tail -n 15
		sed 's/^/    stderr> /' "$ERR" | tail -n 15
	fi
}

# Every PID has ended (a zombie waiting for init to reap it has ended).
ended() {
	local pid state
	for pid in "$@"; do
		state=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null)
		[ -z "$state" ] || [ "$state" = Z ] || return 1
	done
}

# No process has PATTERN in its command line.
no_process() { ! pgrep -f -- "$1" >/dev/null; }
says() { grep -qF -- "$1" "$ERR"; }
prints() { grep -qF -- "$1" "$OUT"; }

printf 'not an ELF file\n' >"$TMP/not-elf"
export NOT_ELF=$TMP/not-elf

# Boot, match, compare, and stop, in a script with strict shell options;
# the config is the last module.
scenario match <<'EOF'
set -euo pipefail
create_boot_directory
install_config <<'XML'
<config> <start name="nobody"/> </config>
XML
build_boot_image test-hello
run_until '^hello from the root task$' 10
grep_output 'root task'
compare_output_to <<'OUT'
hello from the root task
OUT
printf '\033[1;31mwarning: colored\033[0m\r\n' >>"$(log_file)"
grep_output '^warning'
compare_output_to <<'OUT'
warning: colored
OUT
kernel_sim_pid || echo "system stopped"
EOF
play match
boot=$TMP/boot-match
expect run_until_matches test "$st" = 0
expect run_until_is_quick test "$ms" -lt 5000
expect run_until_copies_output prints "hello from the root task"
expect run_until_writes_log grep -qx 'hello from the root task' "$boot/log"
expect run_until_boot_command prints "/kernel-sim $boot/test-hello $boot/config"
expect run_until_stops_system prints "system stopped"
expect run_until_leaves_no_kernel_sim no_process "$boot/"
expect compare_output_strips_escapes prints "system stopped"

# RUN_QUIET keeps the system's output off the terminal.
play match RUN_QUIET=1
expect quiet_run_matches test "$st" = 0
expect quiet_run_prints_nothing eval '! prints "hello from the root task" && ! prints "run: "'

# Different output: a diff and a non-zero status.
scenario differ <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until 'root task' 10
grep_output 'root task'
compare_output_to <<'OUT'
hello from another task
OUT
echo "not reached"
EOF
play differ
expect compare_output_fails test "$st" != 0
expect compare_output_diff says "-hello from another task"
expect compare_output_diff_output says "+hello from the root task"
expect compare_output_ends_scenario eval '! prints "not reached"'

# --keep leaves the system running: kill_system ends kernel-sim and PDs.
scenario keep <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until --keep 'hello' 10
ks=$(kernel_sim_pid)
echo "pids $ks $(pgrep -P "$ks" | tr '\n' ' ')"
kill_system
kernel_sim_pid || echo "system stopped"
EOF
play keep
read -r -a pids <<<"$(sed -n 's/^pids //p' "$OUT")"
expect keep_leaves_system_running test "${#pids[@]}" -ge 2
expect kill_system_succeeds test "$st" = 0
expect kill_system_stops prints "system stopped"
expect kill_system_leaves_no_process ended "${pids[@]}"

# A continued run_until searches only the output after the last match.
scenario continue <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until --keep 'hello' 10
run_until 'hello' 0.3
EOF
play continue
expect continued_run_until_skips_matched_output \
	says "run_until: timeout after 0.3 s waiting for 'hello'"
expect continued_run_until_stops_system no_process "$TMP/boot-continue/"

# Whatever way a scenario ends, the system goes with it.
scenario quit <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until --keep 'hello' 10
ks=$(kernel_sim_pid)
echo "pids $ks $(pgrep -P "$ks" | tr '\n' ' ')"
exit 3
EOF
play quit
read -r -a pids <<<"$(sed -n 's/^pids //p' "$OUT")"
expect exit_keeps_status test "$st" = 3
expect exit_stops_system ended "${pids[@]}"

# test-hello suspends itself and never halts: a pattern it never prints
# times out, the system is stopped and the end of the log shown.
scenario timeout <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until 'never printed' 1
echo "not reached"
EOF
play timeout
expect timeout_fails test "$st" != 0
expect timeout_reason says "run_until: timeout after 1 s waiting for 'never printed'"
expect timeout_shows_log says "hello from the root task"
expect timeout_in_time test "$ms" -ge 1000 -a "$ms" -lt 5000
expect timeout_ends_scenario eval '! prints "not reached"'
expect timeout_leaves_no_kernel_sim no_process "$TMP/boot-timeout/"

# A root task kernel-sim cannot load: it exits before the pattern.
scenario early_exit <<'EOF'
create_boot_directory
build_boot_image "$NOT_ELF"
run_until 'never printed' 10
EOF
play early_exit
expect early_exit_fails test "$st" != 0
expect early_exit_reason says "run_until: kernel-sim exited with status 1 before 'never printed'"
expect early_exit_shows_log says "not an ELF file"
expect early_exit_is_quick test "$ms" -lt 5000

# run_until_exit returns kernel-sim's exit status.
scenario until_exit <<'EOF'
create_boot_directory
build_boot_image "$NOT_ELF"
run_until_exit 10
echo "status $?"
EOF
play until_exit
expect run_until_exit_status prints "status 1"

# A missing binary is named.
scenario missing <<'EOF'
create_boot_directory
build_boot_image test-hello no-such-module
echo "not reached"
EOF
play missing
expect missing_module_fails test "$st" != 0
expect missing_module_named says "module 'no-such-module' is missing"
expect missing_module_ends_scenario eval '! prints "not reached"'

# A config that is not well-formed XML is refused.
scenario bad_config <<'EOF'
create_boot_directory
install_config '<config> <start name="x"> </config>'
EOF
if command -v xmllint >/dev/null; then
	play bad_config
	expect bad_config_refused says "install_config: the config is not well-formed XML"
else
	echo "bad_config_refused: SKIPPED no xmllint"
fi

# A failed build is reported; RUN_NO_BUILD skips building.
scenario build <<'EOF'
build no-such-target
echo "built"
EOF
play build RUN_NO_BUILD=1
expect no_build_skips prints "built"
play build RUN_NO_BUILD=
expect build_failure_fails test "$st" != 0
expect build_failure_reason says "build: building no-such-target failed"
expect build_failure_shows_make says "no-such-target"

# A sanitizer report fails the run at once.
cat >"$TMP/fake-asan" <<'EOF'
#!/bin/sh
echo "==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x1"
while :; do sleep 0.1; done
EOF
chmod +x "$TMP/fake-asan"
scenario sanitizer <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until 'never printed' 10
EOF
play sanitizer KERNEL_SIM="$TMP/fake-asan"
expect sanitizer_fails test "$st" != 0
expect sanitizer_reason says "run_until: sanitizer report in the log"
expect sanitizer_is_quick test "$ms" -lt 5000

# A kernel that ignores SIGTERM is killed after the grace period.
cat >"$TMP/fake-stubborn" <<'EOF'
#!/bin/bash
trap '' TERM
echo "stubborn kernel up"
while :; do sleep 0.1; done
EOF
chmod +x "$TMP/fake-stubborn"
scenario stubborn <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until 'stubborn kernel up' 10
EOF
play stubborn KERNEL_SIM="$TMP/fake-stubborn" RUN_STOP_GRACE=0.3
expect stubborn_fails test "$st" != 0
expect stubborn_reason says "did not stop within 0.3 s of SIGTERM"
expect stubborn_killed no_process "$TMP/boot-stubborn/"

# A process of the system that outlives kernel-sim is reported and killed.
cat >"$TMP/fake-leaky" <<'EOF'
#!/bin/bash
sleep 60 &
echo "leaky kernel up, child $!"
while :; do sleep 0.1; done
EOF
chmod +x "$TMP/fake-leaky"
scenario leaky <<'EOF'
create_boot_directory
build_boot_image test-hello
run_until 'leaky kernel up' 10
EOF
play leaky KERNEL_SIM="$TMP/fake-leaky"
child=$(sed -n 's/.*leaky kernel up, child //p' "$OUT")
expect straggler_fails test "$st" != 0
expect straggler_reported says "process $child (sleep 60) of the system outlived kernel-sim"
expect straggler_killed ended "$child"

# A scenario in the repository's layout, found through its own path, run
# from other directories; its boot directory is build/run/NAME.
mkdir -p "$TMP/tree/run" "$TMP/tree/scripts"
ln -s "$ROOT/scripts/run.sh" "$TMP/tree/scripts/run.sh"
cat >"$TMP/tree/run/$NAME.run" <<'EOF'
#!/usr/bin/env bash
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../scripts/run.sh"
build test-hello
create_boot_directory
build_boot_image test-hello
run_until '^hello from the root task$' 10
echo "boot dir $(boot_dir)"
EOF
chmod +x "$TMP/tree/run/$NAME.run"
(cd / && "$TMP/tree/run/$NAME.run") >"$TMP/cwd.out" 2>&1
st=$?
OUT=$TMP/cwd.out ERR=$TMP/cwd.out
expect other_cwd_runs test "$st" = 0
expect default_boot_dir prints "boot dir $DEFAULT_BOOT"
expect default_boot_dir_log grep -qx 'hello from the root task' "$DEFAULT_BOOT/log"
(cd "$TMP" && bash "tree/run/$NAME.run") >"$TMP/cwd.out" 2>&1
st=$?
expect relative_path_runs test "$st" = 0

# Scenarios side by side, each in its own boot directory.
jobs=()
for i in 1 2 3 4; do
	(cd "$TMP/elsewhere" && RUN_DIR="$TMP/par$i" RUN_QUIET=1 "$TMP/match.run") \
		>"$TMP/par$i.out" 2>&1 &
	jobs+=($!)
done
all=0
for i in 1 2 3 4; do
	wait "${jobs[i - 1]}" || all=1
	grep -qx 'hello from the root task' "$TMP/par$i/log" || all=1
done
OUT=$TMP/par1.out ERR=$TMP/par2.out st=$all
expect parallel_scenarios test "$all" = 0
expect parallel_leave_no_kernel_sim no_process "$TMP/par"
