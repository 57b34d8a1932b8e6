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
	start_ks "${as[@]}" --no-control "$@" "$TMP/test-host-memory" "${modules[@]}"
	if ! wait_for '^test-host-memory: done' 60; then
		fail "${prefix}host_memory_completes" "no end within 60 s"
		stop_ks KILL
		return
	fi
	grep -E '^[A-Z_0-9]+: (ok|FAILED)' "$KS_OUT" | sed "s/^/$prefix/"
	stop_ks TERM
}

run_host_memory ""
run_host_memory "memfd_" --memfd-frames
chmod 755 "$TMP"
chmod 644 "$TMP"/test-host-memory "$TMP/memfd-frames" 2>/dev/null
chmod 755 "$TMP/test-host-memory"
run_host_memory "unprivileged_" --as 65534
