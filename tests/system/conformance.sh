#!/usr/bin/env bash
# test-conformance: the kernel conformance suite, a root task, once under
# kernel-sim and once under kernel-sim built with AddressSanitizer and UBSan.
source "$(dirname "$0")/lib.sh"

run_suite() {
	local ks=$1 out=$2
	# shellcheck disable=SC2086 # ks may carry options
	# the suite plays sel4test on a debug kernel: its child PDs use the debug calls
	timeout 240 $ks --no-control --debug-calls all "$BIN/test-conformance" >"$out" 2>"$out.err"
}

# The suite's own lines are cases of this test.
started=$(date -u +%s)
run_suite "$BIN/kernel-sim" "$TMP/plain"
status=$?
ended=$(date -u +%s)
grep -E '^[A-Z_0-9]+: (ok|FAILED)' "$TMP/plain"
if [ "$status" -eq 0 ] && tail -n 1 "$TMP/plain" | grep -qE '^[0-9]+ passed, 0 failed$'; then
	ok conformance_complete
else
	fail conformance_complete "exit status $status; last line: $(tail -n 1 "$TMP/plain")"
	tail -n 30 "$TMP/plain.err" | sed 's/^/    > /'
fi
# The CMOS clock tells the host's time of day (UTC), as RTC0001 read it.
rtc=$(sed -n 's/^rtc clock at \([0-9T:-]*\)Z$/\1/p' "$TMP/plain" | tr T ' ')
rtc_s=$(date -u -d "${rtc:-none}" +%s 2>/dev/null || echo 0)
check rtc_tells_host_time test "$rtc_s" -ge $((started - 2)) -a "$rtc_s" -le $((ended + 2))
check conformance_case_count test "$(grep -cE '^[A-Z_0-9]+: ok$' "$TMP/plain")" -ge 60

# The same suite with the kernel configured for the legacy PIC
# (KernelIRQController=PIC): the interrupt cases take that path.
run_suite "$BIN/kernel-sim --irq-controller pic" "$TMP/pic"
status=$?
if [ "$status" -eq 0 ] && tail -n 1 "$TMP/pic" | grep -qE '^[0-9]+ passed, 0 failed$'; then
	ok conformance_with_pic
else
	fail conformance_with_pic "exit status $status; $(grep FAILED "$TMP/pic" | head -n 3)"
fi

ASAN=$(dirname "$BIN")/asan/kernel-sim
if [ -x "$ASAN" ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 run_suite "$ASAN" "$TMP/asan"
	status=$?
	if [ "$status" -eq 0 ] && tail -n 1 "$TMP/asan" | grep -qE ' 0 failed$' &&
		! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP/asan.err"; then
		ok conformance_under_asan_ubsan
	else
		fail conformance_under_asan_ubsan "exit status $status"
		grep -E 'FAILED|Sanitizer|runtime error' "$TMP/asan" "$TMP/asan.err" | head -n 20 |
			sed 's/^/    > /'
	fi
else
	fail conformance_under_asan_ubsan "no sanitizer build at $ASAN"
fi

# The domain scheduler: four domains, a schedule of eight entries
# (CONFIG_NUM_DOMAINS 4 as sel4test's DOMAINS=ON), the cases that need them,
# on both kernels.
mkdir -p "$TMP/domains"
printf 'DOMAINS* DOMSCHED*\n' >"$TMP/domains/cases"
for ks in "$BIN/kernel-sim" "$ASAN"; do
	[ -x "$ks" ] || continue
	name=conformance_with_domains
	[ "$ks" = "$ASAN" ] && name=conformance_with_domains_under_asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 timeout 240 "$ks" --no-control --debug-calls all \
		--domains 4 --domain-schedules 8 "$BIN/test-conformance" "$TMP/domains/cases" \
		>"$TMP/domains/out" 2>"$TMP/domains/err"
	status=$?
	if [ "$status" -eq 0 ] && tail -n 1 "$TMP/domains/out" | grep -qE '^[5-9][0-9]* passed, 0 failed$' &&
		! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error' "$TMP/domains/err"; then
		ok "$name"
	else
		fail "$name" "exit status $status; $(grep -E 'FAILED|passed' "$TMP/domains/out" | head -n 3)"
	fi
done
