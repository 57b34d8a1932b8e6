/* Core as init's parent. */
#pragma once

#include <stdbool.h>

/* Create, load and start init from its ROM module. */
bool child_start_init(void);
