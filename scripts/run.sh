# The run tool: a shell library for scenario scripts (run/NAME.run).
#
# A scenario script sources this file and then describes one boot of the
# system: what to build, init's config, which modules to boot, and what the
# output must show. Every step either succeeds or ends the scenario with a
# message on stderr and a non-zero exit status. run/README.md describes the
# functions; the comment above each one below says the same in short.
#
# Environment:
#   RUN_DIR          boot directory (default build/run/NAME in the repository)
#   RUN_NO_BUILD=1   make 'build' do nothing (the caller built everything)
#   RUN_QUIET=1      do not copy the system's output to the terminal
#   KERNEL_SIM       kernel-sim to boot with (default build/bin/kernel-sim)
#   KERNEL_SIM_ARGS  extra kernel-sim options, placed before the root task
#   RUN_STOP_GRACE   seconds between SIGTERM and SIGKILL when stopping (5)
#
# shellcheck shell=bash

RUN_ROOT=$(dirname "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")")
RUN_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .run)
if [ -n "${RUN_DIR:-}" ]; then
	_run_boot=$(readlink -m -- "$RUN_DIR")
else
	_run_boot=$RUN_ROOT/build/run/$RUN_NAME
fi
_run_log=$_run_boot/log
_run_modules=()   # the boot image: root task first, as paths in the boot dir
_run_pid=         # kernel-sim while the system runs
_run_pid_start=   # its start time, so a reused pid is never taken for it
_run_status=      # kernel-sim's exit status once it is gone
_run_shown=0      # bytes of the log already copied to the terminal
_run_mark=0       # lines of the log a continued run_until no longer searches
declare -gA _run_pds=() # PD processes seen: pid -> start time

_run_sanitizer='^==[0-9]+==(ERROR|WARNING): [A-Za-z]+Sanitizer|: runtime error: '

# ---- internal helpers -----------------------------------------------------

# End the scenario with a message.
_run_fail() {
	printf '%s\n' "$*" >&2
	exit 1
}

# The log without terminal escape sequences and trailing carriage returns.
_run_clean() {
	LC_ALL=C sed -e 's/\x1b\[[0-9;?]*[ -\/]*[@-~]//g' -e 's/\x1b[()][0-9A-Za-z]//g' \
		-e 's/\r$//' -- "$1"
}

# Text as lines: nothing for empty text, else each line with its newline.
_run_lines() {
	[ -z "$1" ] || printf '%s\n' "$1"
}

# Fail unless create_boot_directory ran.
_run_need_boot() {
	[ -d "$_run_boot" ] || _run_fail "$1: no boot directory, call create_boot_directory first"
}

# A duration in seconds (10, 0.5) as milliseconds in _run_ms.
_run_to_ms() {
	[[ $1 =~ ^([0-9]+)(\.([0-9]{1,3})[0-9]*)?$ ]] || return 1
	local frac=${BASH_REMATCH[3]}000
	_run_ms=$((10#${BASH_REMATCH[1]} * 1000 + 10#${frac:0:3}))
}

# The current time in milliseconds, in _run_now.
_run_clock() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME/[.,]/}
		_run_now=$((10#$t / 1000))
	else
		_run_now=$(date +%s%3N)
	fi
}

# State and start time of a process, in _run_st_state and _run_st_start,
# read without starting a process; fails if it does not exist.
_run_stat() {
	local s f
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	read -r -a f <<<"$s"
	_run_st_state=${f[0]}
	_run_st_start=${f[19]}
}

# Whether the process PID with start time START still runs (not a zombie).
_run_running() {
	_run_stat "$1" && [ "$_run_st_start" = "$2" ] && [ "$_run_st_state" != Z ]
}

# Whether the log shows a report of AddressSanitizer or UBSan.
_run_sanitized() {
	[ -f "$_run_log" ] && grep -aqE -- "$_run_sanitizer" "$_run_log"
}

# Remember every child of kernel-sim (the PD processes) seen so far.
_run_track_pds() {
	local f k kids
	for f in /proc/"$_run_pid"/task/*/children; do
		kids=()
		read -r -a kids 2>/dev/null <"$f"
		for k in "${kids[@]}"; do
			[ -n "${_run_pds[$k]:-}" ] && continue
			_run_stat "$k" && _run_pds[$k]=$_run_st_start
		done
	done
}

# Copy new output to the terminal and note new PD processes.
_run_poll() {
	local size
	size=$(stat -c %s -- "$_run_log" 2>/dev/null) || size=0
	if [ "$size" -gt "$_run_shown" ] && [ "${RUN_QUIET:-0}" != 1 ]; then
		dd if="$_run_log" iflag=skip_bytes,count_bytes skip="$_run_shown" \
			count=$((size - _run_shown)) status=none
	fi
	[ "$size" -gt "$_run_shown" ] && _run_shown=$size
	[ -n "$_run_pid" ] && _run_track_pds
}

# The number of the first log line after the mark that matches PATTERN.
_run_find() {
	_run_clean "$_run_log" | grep -anE -- "$1" |
		awk -F: -v m="$_run_mark" '$1 > m && !f { f = $1 } END { if (f) print f }'
}

# "exited with status N" or "was killed by signal NAME" for a status.
_run_how() {
	if [ "$1" -gt 128 ]; then
		echo "was killed by signal $(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128)))"
	else
		echo "exited with status $1"
	fi
}

# Boot the image: kernel-sim runs in the boot directory, its output goes
# to the log.
_run_start() {
	local who=$1 ks=${KERNEL_SIM:-$RUN_ROOT/build/bin/kernel-sim} extra=()
	_run_need_boot "$who"
	[ "${#_run_modules[@]}" -gt 0 ] || _run_fail "$who: no boot image, call build_boot_image first"
	case $ks in
	/*) ;;
	*) if [ -e "$ks" ]; then ks=$(readlink -f -- "$ks"); else ks=$RUN_ROOT/$ks; fi ;;
	esac
	[ -x "$ks" ] || _run_fail "$who: no kernel-sim at $ks (run make)"
	read -r -a extra <<<"${KERNEL_SIM_ARGS:-}"

	: >"$_run_log" || _run_fail "$who: cannot write $_run_log"
	_run_shown=0
	_run_mark=0
	_run_pds=()
	_run_status=
	local cmd=("$ks" "${extra[@]}" "${_run_modules[@]}")
	[ "${RUN_QUIET:-0}" = 1 ] || echo "run: ${cmd[*]}"
	(cd "$_run_boot" && exec "${cmd[@]}") </dev/null >"$_run_log" 2>&1 &
	_run_pid=$!
	_run_stat "$_run_pid" && _run_pid_start=$_run_st_start
}

# Stop kernel-sim if it still runs (SIGTERM, SIGKILL after the grace
# period), collect its exit status and make sure none of its PD processes
# is left. Fails, after saying why, if the system did not go cleanly.
_run_stop() {
	local who=$1 pid=$_run_pid grace_ms deadline problem=0 p left
	[ -n "$pid" ] || return 0
	_run_to_ms "${RUN_STOP_GRACE:-5}" || _run_ms=5000
	grace_ms=$_run_ms

	if _run_running "$pid" "$_run_pid_start"; then
		# Stopped, kernel-sim creates no PD unseen between the last look
		# and SIGTERM.
		kill -STOP "$pid" 2>/dev/null
		_run_track_pds
		kill -TERM "$pid" 2>/dev/null
		kill -CONT "$pid" 2>/dev/null
		_run_clock
		deadline=$((_run_now + grace_ms))
		while _run_running "$pid" "$_run_pid_start"; do
			_run_clock
			if [ "$_run_now" -ge "$deadline" ]; then
				echo "$who: kernel-sim (pid $pid) did not stop within ${RUN_STOP_GRACE:-5} s of SIGTERM; killing it" >&2
				kill -KILL "$pid" 2>/dev/null
				problem=1
				break
			fi
			sleep 0.05
		done
	fi
	wait "$pid" 2>/dev/null
	_run_status=$?
	_run_pid=
	_run_poll

	# PD processes die with kernel-sim (they have a parent-death signal);
	# give them a moment to go, then report and kill whatever is left.
	_run_clock
	deadline=$((_run_now + 2000))
	while :; do
		left=()
		for p in "${!_run_pds[@]}"; do
			_run_running "$p" "${_run_pds[$p]}" && left+=("$p")
		done
		[ "${#left[@]}" -eq 0 ] && break
		_run_clock
		if [ "$_run_now" -ge "$deadline" ] && [ "$problem" != 2 ]; then
			for p in "${left[@]}"; do
				echo "$who: process $p ($(ps -o args= -p "$p" 2>/dev/null)) of the system outlived kernel-sim; killing it" >&2
				kill -KILL "$p" 2>/dev/null
			done
			problem=2
			deadline=$((_run_now + 1000))
		elif [ "$_run_now" -ge "$deadline" ]; then
			echo "$who: processes ${left[*]} survived SIGKILL" >&2
			break
		fi
		sleep 0.05
	done
	_run_pds=()
	[ "$problem" = 0 ]
}

# Stop the system, say why the scenario fails, show the end of the log.
_run_give_up() {
	_run_stop "${1%%:*}"
	printf '%s\n' "$1" >&2
	if [ -s "$_run_log" ]; then
		echo "last 40 lines of $_run_log:" >&2
		tail -n 40 -- "$_run_log" >&2
	fi
	exit 1
}

# Stop the system once the scenario ends, however it ends.
_run_at_exit() {
	local status=$?
	set +eu
	if [ -n "$_run_pid" ]; then
		_run_stop "$RUN_NAME" || [ "$status" -ne 0 ] || status=1
	fi
	exit "$status"
}
trap _run_at_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the functions for scenario scripts --------------------------------------

# build TARGET...: make build/bin/TARGET for each target, quietly; show
# make's output and fail if that fails. Nothing with RUN_NO_BUILD=1.
build() {
	local - t out targets=()
	set +euo pipefail
	[ "$#" -gt 0 ] || _run_fail "build: no target given"
	[ "${RUN_NO_BUILD:-0}" = 1 ] && return 0
	for t; do targets+=("build/bin/$t"); done
	# Scenarios running side by side build one after the other.
	local lock=()
	if command -v flock >/dev/null && mkdir -p "$RUN_ROOT/build"; then
		lock=(flock "$RUN_ROOT/build/.run-build.lock")
	fi
	if ! out=$("${lock[@]}" make -C "$RUN_ROOT" --no-print-directory "${targets[@]}" 2>&1); then
		printf '%s\n' "$out" | tail -n 40 >&2
		_run_fail "build: building $* failed"
	fi
}

# create_boot_directory: start with an empty boot directory
# (build/run/NAME, or RUN_DIR), stopping a system that still runs.
create_boot_directory() {
	local -
	set +euo pipefail
	_run_stop create_boot_directory || exit 1
	case $_run_boot in
	/ | "$RUN_ROOT" | "$RUN_ROOT"/build | "${HOME:-/}")
		_run_fail "create_boot_directory: refusing to empty $_run_boot" ;;
	esac
	rm -rf -- "$_run_boot"
	mkdir -p -- "$_run_boot" || _run_fail "create_boot_directory: cannot create $_run_boot"
	_run_modules=()
	_run_extra_modules=()
}

# install_config [--unchecked] [TEXT]: init's config, from TEXT or stdin (a
# here-document), written to <boot>/config; checked with xmllint where it is
# installed, unless --unchecked (for scenarios about malformed configs).
install_config() {
	local - check=1
	set +euo pipefail
	_run_need_boot install_config
	if [ "${1-}" = --unchecked ]; then
		check=
		shift
	fi
	if [ "$#" -gt 0 ]; then
		printf '%s\n' "$*" >"$_run_boot/config"
	elif [ -t 0 ]; then
		_run_fail "install_config: expects the config on stdin (a here-document)"
	else
		cat >"$_run_boot/config"
	fi
	[ -s "$_run_boot/config" ] || _run_fail "install_config: the config is empty"
	if [ -n "$check" ] && command -v xmllint >/dev/null; then
		xmllint --noout "$_run_boot/config" ||
			_run_fail "install_config: the config is not well-formed XML"
	fi
}

# build_boot_image MODULE...: the boot image, root task first. A module is
# build/bin/MODULE (or a file, if it has a slash; relative to the
# repository), copied into the boot directory; its base name is its ROM
# name. The config, if installed, is added as the last module.
build_boot_image() {
	local - m src name config=1
	set +euo pipefail
	_run_need_boot build_boot_image
	[ "$#" -gt 0 ] || _run_fail "build_boot_image: no root task given"
	_run_modules=()
	for m; do
		name=${m##*/}
		case $m in
		/*) src=$m ;;
		*/*) src=$RUN_ROOT/$m ;;
		config) src=$_run_boot/config config= ;;
		*) src=$RUN_ROOT/build/bin/$m ;;
		esac
		[ -f "$src" ] || _run_fail "build_boot_image: module '$m' is missing: no file $src"
		[ -e "$_run_boot/$name" ] && [ "$src" != "$_run_boot/$name" ] &&
			_run_fail "build_boot_image: two modules named '$name'"
		if [ "$src" != "$_run_boot/$name" ]; then
			cp -f -- "$src" "$_run_boot/$name" ||
				_run_fail "build_boot_image: cannot copy $src"
		fi
		_run_modules+=("$_run_boot/$name")
	done
	for m in "${_run_extra_modules[@]}"; do
		[[ " ${_run_modules[*]} " == *" $_run_boot/$m "* ]] || _run_modules+=("$_run_boot/$m")
	done
	[ -n "$config" ] && [ -f "$_run_boot/config" ] && _run_modules+=("$_run_boot/config")
	return 0
}

# run_until [--keep] PATTERN TIMEOUT_S: boot the image (or go on with the
# system a previous 'run_until --keep' left running, searching only the
# output after its match) and wait until a line of the output matches the
# extended regular expression PATTERN. Then stop the system, unless
# --keep. Fails on timeout, if kernel-sim exits first, or on a sanitizer
# report in the log.
run_until() {
	local - keep='' pattern limit line
	set +euo pipefail
	if [ "${1:-}" = --keep ]; then
		keep=1
		shift
	fi
	[ "$#" -eq 2 ] || _run_fail "usage: run_until [--keep] PATTERN TIMEOUT_S"
	pattern=$1
	_run_to_ms "$2" || _run_fail "run_until: bad timeout '$2' (seconds)"
	limit=$_run_ms
	grep -E -- "$pattern" </dev/null
	[ $? -eq 2 ] && _run_fail "run_until: bad regular expression '$pattern'"

	[ -n "$_run_pid" ] || _run_start run_until
	_run_clock
	local deadline=$((_run_now + limit)) why='' searched=-1 clean=1
	while :; do
		_run_poll
		if [ "$_run_shown" -ne "$searched" ]; then
			searched=$_run_shown
			line=$(_run_find "$pattern")
			[ -n "$line" ] && break
			if _run_sanitized; then
				why="run_until: sanitizer report in the log while waiting for '$pattern'"
				break
			fi
		fi
		if ! _run_running "$_run_pid" "$_run_pid_start"; then
			_run_stop run_until || clean=
			line=$(_run_find "$pattern")
			[ -n "$line" ] && break
			why="run_until: kernel-sim $(_run_how "$_run_status") before '$pattern'"
			break
		fi
		_run_clock
		if [ "$_run_now" -ge "$deadline" ]; then
			why="run_until: timeout after $2 s waiting for '$pattern'"
			break
		fi
		sleep 0.05
	done
	[ -n "$why" ] && _run_give_up "$why"

	_run_mark=$line
	if [ -z "$keep" ]; then
		_run_stop run_until || clean=
	fi
	[ -n "$clean" ] || _run_give_up "run_until: the system did not stop cleanly"
	_run_sanitized && _run_give_up "run_until: sanitizer report in the log"
	return 0
}

# run_until_exit TIMEOUT_S: boot the image (or go on with a running
# system) and wait until kernel-sim exits by itself; returns its exit
# status. Fails on timeout or on a sanitizer report.
run_until_exit() {
	local -
	set +euo pipefail
	[ "$#" -eq 1 ] || _run_fail "usage: run_until_exit TIMEOUT_S"
	_run_to_ms "$1" || _run_fail "run_until_exit: bad timeout '$1' (seconds)"
	[ -n "$_run_pid" ] || _run_start run_until_exit
	_run_clock
	local deadline=$((_run_now + _run_ms))
	while _run_running "$_run_pid" "$_run_pid_start"; do
		_run_poll
		_run_sanitized && _run_give_up "run_until_exit: sanitizer report in the log"
		_run_clock
		[ "$_run_now" -ge "$deadline" ] &&
			_run_give_up "run_until_exit: timeout after $1 s waiting for kernel-sim to exit"
		sleep 0.05
	done
	_run_stop run_until_exit || _run_give_up "run_until_exit: the system did not end cleanly"
	_run_sanitized && _run_give_up "run_until_exit: sanitizer report in the log"
	return "$_run_status"
}

# kill_system: stop the running system, if any (SIGTERM, then SIGKILL);
# fails if it did not go cleanly. The scenario's end does this too.
kill_system() {
	local -
	set +euo pipefail
	_run_stop kill_system || exit 1
	return 0
}

# grep_output REGEX: set 'output' to the lines of the log that match the
# extended regular expression, without terminal escape sequences and
# trailing carriage returns.
grep_output() {
	local -
	set +euo pipefail
	[ "$#" -eq 1 ] || _run_fail "usage: grep_output REGEX"
	[ -f "$_run_log" ] || _run_fail "grep_output: no log, the system has not run"
	grep -E -- "$1" </dev/null
	[ $? -eq 2 ] && _run_fail "grep_output: bad regular expression '$1'"
	output=$(_run_clean "$_run_log" | grep -aE -- "$1")
}

# compare_output_to: compare 'output' with stdin (a here-document) line by
# line; print a unified diff and fail if they differ.
compare_output_to() {
	local - expected
	set +euo pipefail
	[ -t 0 ] && _run_fail "compare_output_to: expects the lines on stdin (a here-document)"
	expected=$(cat)
	[ "${output-}" = "$expected" ] && return 0
	echo "compare_output_to: the output differs from the expected lines:" >&2
	diff -u --label expected --label output \
		<(_run_lines "$expected") <(_run_lines "${output-}") >&2
	exit 1
}

# full_or_reduced FULL REDUCED: FULL in make soak (RUN_SOAK=1), else
# REDUCED. A scenario whose full run is too long for make test takes its
# parameters from here and carries a line "# soak-full": make test runs it
# reduced, make soak once more in full.
full_or_reduced() {
	if [ "${RUN_SOAK:-0}" = 1 ]; then echo "$1"; else echo "$2"; fi
}

# boot_dir, log_file, kernel_sim_pid: where the boot directory and the log
# are, and kernel-sim's pid while the system runs (fails otherwise).
boot_dir() { echo "$_run_boot"; }
log_file() { echo "$_run_log"; }
kernel_sim_pid() {
	[ -n "$_run_pid" ] || return 1
	echo "$_run_pid"
}

# ---- Genode's run-script vocabulary -----------------------------------------
#
# The names Genode's run tool (tool/run/run) uses for what the functions
# above do, so that a Genode .run file ports with few changes (see
# run/README.md, "Porting a Genode .run file"). They take bash arguments
# where Genode's take Tcl lists.

# The specs of this platform: kernel-sim implements seL4's x86_64 API.
RUN_SPECS="x86 x86_64 64bit sel4 sim"
_run_artifacts=()

# build_artifacts: the targets given to 'build' so far, in order (Genode:
# the binaries the build produced), for 'build_boot_image $(build_artifacts)'.
build_artifacts() {
	printf '%s\n' "${_run_artifacts[@]}"
}
eval "_run_plain_build() $(declare -f build | sed 1d)"
build() {
	local t targets=()
	for t; do
		# Genode's targets are directories: test/foo builds test-foo; lib/ld is not needed
		case $t in
		lib/*) continue ;;
		test/*) t=test-${t#test/} ;;
		*/*) t=${t##*/} ;;
		esac
		targets+=("$t")
	done
	_run_artifacts+=("${targets[@]}")
	[ "${#targets[@]}" -eq 0 ] || _run_plain_build "${targets[@]}"
}

# _run_true WORD: whether a Genode condition is true: 1, true, yes (or a
# command that succeeds, e.g. "have_spec x86").
_run_true() {
	case ${1-} in
	1 | true | yes) return 0 ;;
	0 | false | no | '') return 1 ;;
	*) eval "$1" ;;
	esac
}

# append_if CONDITION VAR TEXT...: append TEXT to the variable VAR if
# CONDITION holds (a literal 1/true/yes, or a command such as "have_spec x86").
append_if() {
	[ "$#" -ge 2 ] || _run_fail "usage: append_if CONDITION VAR TEXT..."
	local cond=$1 var=$2
	shift 2
	_run_true "$cond" || return 0
	local text
	printf -v text '%s' "$@"
	printf -v "$var" '%s%s' "${!var-}" "$text"
}

# lappend_if CONDITION VAR WORD: append WORD as a list element (space separated).
lappend_if() {
	[ "$#" -eq 3 ] || _run_fail "usage: lappend_if CONDITION VAR WORD"
	_run_true "$1" || return 0
	local cur=${!2-}
	printf -v "$2" '%s' "${cur:+$cur }$3"
}

# have_spec SPEC, have_include NAME, have_board NAME, have_cmd_switch ARG:
# Genode's platform queries. Specs are RUN_SPECS; no include (power_on/qemu,
# ...) and no board apply; a command switch is a word of RUN_CMD_SWITCHES.
have_spec() { [[ " $RUN_SPECS " == *" $1 "* ]]; }
have_include() { return 1; }
have_board() { return 1; }
have_cmd_switch() { [[ " ${RUN_CMD_SWITCHES:-} " == *" $1 "* ]]; }

# assert_spec SPEC: end the scenario unless the platform has SPEC.
assert_spec() {
	have_spec "$1" || _run_fail "$RUN_NAME: this scenario needs the spec '$1'"
}

# install_boot_module NAME [TEXT]: a boot module NAME (a ROM module of that
# name) with TEXT, or stdin, as content; build_boot_image adds it.
install_boot_module() {
	local -
	set +euo pipefail
	_run_need_boot install_boot_module
	[ "$#" -ge 1 ] || _run_fail "usage: install_boot_module NAME [TEXT]"
	local name=$1
	shift
	case $name in
	*/* | '' | . | ..) _run_fail "install_boot_module: bad module name '$name'" ;;
	esac
	if [ "$#" -gt 0 ]; then
		printf '%s\n' "$*" >"$_run_boot/$name"
	else
		cat >"$_run_boot/$name"
	fi
	_run_extra_modules+=("$name")
}
_run_extra_modules=()

# _run_genode_re PATTERN: Genode's patterns are Tcl regular expressions
# matched against the whole output; ours are POSIX extended ones matched
# line by line. A '\n' at the end becomes the end of the line, '\d' and
# '\s' their bracket forms; a pattern spanning lines cannot be ported.
_run_genode_re() {
	local re=$1
	re=${re%\\n}
	[[ $re == *'\n'* ]] && _run_fail "run_genode_until: '$1' spans lines; match one line"
	re=${re//\\d/[0-9]}
	re=${re//\\s/[[:space:]]}
	printf '%s' "$re"
}

# run_genode_until PATTERN TIMEOUT_S [SPAWN_ID]: as Genode, wait for
# PATTERN and leave the system running (the scenario's end stops it); with
# a third argument (output_spawn_id), go on with the running system.
# 'forever' as PATTERN runs until kernel-sim exits or the scenario is ended.
run_genode_until() {
	[ "$#" -ge 1 ] || _run_fail "usage: run_genode_until PATTERN [TIMEOUT_S [SPAWN_ID]]"
	if [ "$1" = forever ]; then
		run_until_exit "${2:-31536000}"
		return
	fi
	run_until --keep "$(_run_genode_re "$1")" "${2:-10}"
}

# output_spawn_id: what names the running system for run_genode_until.
output_spawn_id() {
	kernel_sim_pid
}

# unify_output PATTERN REPLACEMENT: replace every match of the extended
# regular expression in 'output' (Genode's regsub -all).
unify_output() {
	[ "$#" -eq 2 ] || _run_fail "usage: unify_output PATTERN REPLACEMENT"
	output=$(printf '%s\n' "${output-}" | sed -E "s${_run_sep:=$'\001'}$1${_run_sep}$2${_run_sep}g")
}
