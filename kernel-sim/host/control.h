/*
 * The control socket (`sim ps`, `sim kill LABEL`, `sim log [-f]`,
 * `sim report`): a Unix stream socket, by default sim.sock in kernel-sim's
 * working directory (the run directory). One request line per connection;
 * the answer is text, and the connection closes (except for `log -f`,
 * which follows the output).
 */
#pragma once

#include <stddef.h>

/* Listen at path (NULL: no socket). Failure is reported and not fatal. */
void control_init(const char *path);
/* Every line kernel-sim prints passes here: kept for `log`, sent to followers. */
void control_output(const char *text, size_t len);
/*
 * A line of the kernel trace for live readers (`sim trace -f [LABEL]`):
 * label is the PD the event belongs to, peer the other PD involved ("" if none).
 */
void control_trace(const char *line, size_t len, const char *label, const char *peer);
/* Remove the socket file. */
void control_shutdown(void);
