/*
 * The trace as a Chrome/Perfetto trace-event file (JSON array format): one
 * process per PD, one thread per TCB, slices for kernel entries, flows
 * (bind_id with flow_out/flow_in) for messages. The array's closing
 * bracket is optional in that format, so a trace cut short still loads.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

void json_begin(FILE *f);
void json_end(FILE *f);

/* Names of a process and of one of its threads. */
void json_names(FILE *f, int pid, uint32_t tid, const char *process, const char *thread);

/*
 * A slice [ts, ts+dur) in ns on a thread. detail is "key=value ..." (no
 * spaces in values), shown as the slice's arguments, with text (may be
 * NULL) as one more. flow_out/flow_in are flow ids or 0.
 */
void json_slice(FILE *f, int pid, uint32_t tid, uint64_t ts, uint64_t dur, const char *name,
		const char *cat, const char *detail, const char *text, uint32_t flow_out,
		uint32_t flow_in);

/* An instant on a thread, or on the whole process (process = true). */
void json_instant(FILE *f, int pid, uint32_t tid, uint64_t ts, const char *name, const char *cat,
		  const char *detail, const char *text, bool process);
