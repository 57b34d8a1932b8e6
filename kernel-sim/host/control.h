/*
 * The control socket (`sim ps`, `sim kill LABEL`, `sim log [-f]`,
 * `sim report`): a Unix stream socket, by default sim.sock in kernel-sim's
 * working directory (the run directory). One request line per connection;
 * the answer is text, and the connection closes (except for `log -f`,
 * which follows the output).
 */
#pragma once

#include <stddef.h>

/*
 * Listen at path (NULL: no socket), a socket of mode 0600 whatever the
 * umask. Only a stale socket (one nobody answers on) is replaced: a live
 * one (another system in this directory) or any other file is an error,
 * said on stderr; -1 then.
 */
int control_init(const char *path);
/* Every line kernel-sim prints passes here: kept for `log`, sent to followers. */
void control_output(const char *text, size_t len);
/*
 * A line of the kernel trace for live readers (`sim trace -f [LABEL]`):
 * label is the PD the event belongs to, peer the other PD involved ("" if none).
 */
void control_trace(const char *line, size_t len, const char *label, const char *peer);
/* Close every client and remove the socket file, if it is still ours. */
void control_shutdown(void);
