/* Names of host (Linux x86_64) system calls, for diagnostics. */
#pragma once

const char *host_syscall_name(long nr);
