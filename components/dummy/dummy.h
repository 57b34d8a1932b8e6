/* dummy: the nodes implemented outside main.c. */
#pragma once

#include <base/xml.h>
#include <component/env.h>

void dummy_log_service(struct env *env, const struct xml_node *n);
void dummy_create_log_connections(struct env *env, const struct xml_node *n);
void dummy_destroy_log_connections(struct env *env);
