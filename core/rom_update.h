/*
 * The driver of kernel-sim's ROM-update device (protocol/sim/rom_update.h),
 * core's own device: changed boot modules for the ROM service, host
 * requests (sim restart), and the host's request for core's totals.
 */
#pragma once

void rom_update_init(void);
