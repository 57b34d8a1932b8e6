/* Core as init's parent. */
#pragma once

#include <stdbool.h>

/* Create, load and start init from its ROM module. */
bool child_start_init(void);

struct pd_session;

/*
 * A thread of pd cannot go on (a fault nobody resolves, or its process
 * died). If pd is init's, the system is over: core says so and halts it,
 * so that kernel-sim ends every PD and exits with status 1, instead of
 * leaving init's children without a parent.
 */
void child_thread_lost(struct pd_session *pd, const char *why);
