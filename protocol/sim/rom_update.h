/*
 * The ROM-update device, a sel4-sim extension: how a boot module changed on
 * the host (say, init's config edited in the run directory) reaches the
 * root task. kernel-sim watches every module file; when one changes, the
 * device queues its index and raises its interrupt. The root task then
 * reads the new content through I/O ports:
 *
 *   write SIM_ROM_UPDATE_CMD <- SIM_ROM_UPDATE_NEXT  latch the next changed module
 *   read  SIM_ROM_UPDATE_PENDING (8 bit)             changed modules not yet latched
 *   read  SIM_ROM_UPDATE_INDEX   (32 bit)            latched module (boot-info order), or ~0
 *   read  SIM_ROM_UPDATE_SIZE    (32 bit)            its new length in bytes
 *   read  SIM_ROM_UPDATE_DATA    (32 bit)            its content, 4 bytes per read
 *
 * The content is read from the file when the module is latched. A module
 * that changes again before it is latched is queued once.
 *
 * The same device carries the host's request for a report of the root
 * task's totals (kill -USR2 on kernel-sim): it raises the interrupt, and
 *
 *   read  SIM_ROM_UPDATE_REPORT  (8 bit)             1 once per request, then 0
 *
 * and the host's control requests (`sim restart LABEL`): they queue like a
 * changed module whose index is SIM_ROM_UPDATE_REQUEST and whose content
 * is the request's text ("restart LABEL").
 */
#pragma once

#define SIM_ROM_UPDATE_BASE    0x5e0
#define SIM_ROM_UPDATE_PORTS   16
#define SIM_ROM_UPDATE_CMD     0x5e0
#define SIM_ROM_UPDATE_PENDING 0x5e0
#define SIM_ROM_UPDATE_INDEX   0x5e4
#define SIM_ROM_UPDATE_SIZE    0x5e8
#define SIM_ROM_UPDATE_DATA    0x5ec
#define SIM_ROM_UPDATE_REPORT  0x5e1
#define SIM_ROM_UPDATE_REQUEST 0xfffffffeu /* INDEX of a host control request */
#define SIM_ROM_UPDATE_NEXT    1
#define SIM_ROM_UPDATE_IRQ     5
#define SIM_ROM_UPDATE_MAX     (16u << 20) /* longest module content it carries */
