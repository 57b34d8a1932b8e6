/*
 * Report: a client writes reports into a dataspace shared with the server
 * (Genode's Report::Session). submit hands the first length bytes to the
 * server; obtain_response asks for the server's answer in the same
 * dataspace, and response_sigh is signalled when there is one. Session
 * argument buffer_size sets the dataspace's size.
 */
#pragma once

#include <genode/rpc.h>

struct report_length {
	seL4_Word length;
};

/* dataspace returns the report dataspace; response_sigh takes a signal context. */
#define REPORT_SESSION_RPC(M)                                                                      \
	M(report_session, dataspace, 1, struct rpc_none, struct rpc_none)                          \
	M(report_session, submit, 2, struct report_length, struct rpc_none)                        \
	M(report_session, response_sigh, 3, struct rpc_none, struct rpc_none)                      \
	M(report_session, obtain_response, 4, struct rpc_none, struct report_length)
