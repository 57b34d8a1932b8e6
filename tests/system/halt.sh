#!/usr/bin/env bash
# test-halt: seL4_DebugHalt with rdi and rax left to chance (real libsel4)
# ends kernel-sim with exit status 0, after seL4's line.
source "$(dirname "$0")/lib.sh"

out=$TMP/halt.out
timeout 20 "$BIN/kernel-sim" --no-control "$BIN/test-halt" >"$out" 2>&1
status=$?
check halt_exit_status_0 test "$status" = 0
check halt_prints_seL4_line grep -qE '^Debug halt syscall from user thread 0x[0-9a-f]+ "test-halt"$' "$out"
check halt_stops_the_caller test "$(grep -c 'still running' "$out")" = 0

# seL4's boot lines: printed as a debug kernel (KernelPrinting) prints them
# when the seL4 configuration says so, or with --verbose; never otherwise.
printf '{\n    "ARCH_X86_64": true,\n    "ROOT_CNODE_SIZE_BITS": 12,\n    "PRINTING": true\n}\n' >"$TMP/printing.json"
printf '{\n    "ARCH_X86_64": true,\n    "ROOT_CNODE_SIZE_BITS": 12,\n    "PRINTING": false\n}\n' >"$TMP/quiet.json"
timeout 20 "$BIN/kernel-sim" --no-control --sel4-config "$TMP/printing.json" "$BIN/test-halt" \
	>"$TMP/boot.out" 2>&1
booted=$(grep -n '^Booting all finished, dropped to user space$' "$TMP/boot.out" | cut -d: -f1)
halted=$(grep -n '^Debug halt syscall' "$TMP/boot.out" | cut -d: -f1)
check boot_lines_with_printing test "${booted:-0}" -gt 0 -a "${halted:-0}" -gt "${booted:-0}"
check boot_lines_name_the_machine grep -qE '^ACPI: MADT_IOAPIC ioapic_id=0 ioapic_addr=0xfec00000 gsib=0$' "$TMP/boot.out"
check boot_lines_start_with_memory_map test "$(head -n 1 "$TMP/boot.out")" = "Parsing GRUB physical memory map"
timeout 20 "$BIN/kernel-sim" --no-control --sel4-config "$TMP/quiet.json" "$BIN/test-halt" \
	>"$TMP/quiet.out" 2>&1
check boot_lines_not_without_printing test "$(grep -c 'Booting all finished' "$TMP/quiet.out" "$out" | grep -vc ':0$')" = 0
timeout 20 "$BIN/kernel-sim" --no-control --verbose "$BIN/test-halt" >"$TMP/verbose.out" 2>&1
check boot_lines_with_verbose grep -q '^Booting all finished, dropped to user space$' "$TMP/verbose.out"
