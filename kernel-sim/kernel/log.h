/*
 * Output of kernel-sim: the console that seL4_DebugPutChar writes to
 * (stdout), kernel-sim's own messages (stderr), and seL4-style user-error
 * diagnostics shown with --verbose.
 */
#pragma once

#include <stdbool.h>

struct tcb;

extern bool kernel_verbose;

/* The console: one character from a thread, control characters escaped. */
void console_putchar(char c);

/* A name a PD chose (thread names, labels): printable ASCII only, '?' for the rest. */
void sanitise_name(char *s);
void console_flush(void);

/* A message of kernel-sim itself, always shown. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * An invocation failed: with --verbose, print what a debug seL4 kernel
 * prints, naming the function that decided and the thread.
 */
#define user_error(...) user_error_at(__func__, __VA_ARGS__)
void user_error_at(const char *func, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Kernel virtual address of an object, as seL4 would print it. */
unsigned long kernel_pointer(unsigned long paddr);
