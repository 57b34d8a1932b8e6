/* Genode session arguments: "label=\"x\", ram_quota=8192, cap_quota=4". */
#pragma once

#include <stdbool.h>
#include <stddef.h>

bool session_arg_string(const char *args, const char *key, char *out, size_t size);
unsigned long session_arg_ulong(const char *args, const char *key, unsigned long def);
/* Remove key and its value from args (in place). */
void session_arg_remove(char *args, const char *key);
/* Set key to a number, replacing any former value; false when it does not fit. */
bool session_arg_set_ulong(char *args, size_t size, const char *key, unsigned long v);
/* Set label="value". */
bool session_arg_set_label(char *args, size_t size, const char *label);
