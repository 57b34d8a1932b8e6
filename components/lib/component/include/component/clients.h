/* Typed client stubs of every interface a component calls. */
#pragma once

#include <base/rpc.h>
#include <component/env.h>
#include <genode/cpu_session.h>
#include <genode/dataspace.h>
#include <genode/io_session.h>
#include <genode/log_session.h>
#include <genode/parent.h>
#include <genode/pd_session.h>
#include <genode/rm_session.h>
#include <genode/rom_session.h>
#include <genode/hello_session.h>
#include <genode/timer_session.h>
#include <genode/report_session.h>

RPC_CLIENT_STUBS(PARENT_RPC)
RPC_CLIENT_STUBS(LOG_SESSION_RPC)
RPC_CLIENT_STUBS(DATASPACE_RPC)
RPC_CLIENT_STUBS(ROM_SESSION_RPC)
RPC_CLIENT_STUBS(PD_SESSION_RPC)
RPC_CLIENT_STUBS(SIGNAL_CONTEXT_RPC)
RPC_CLIENT_STUBS(REGION_MAP_RPC)
RPC_CLIENT_STUBS(RM_SESSION_RPC)
RPC_CLIENT_STUBS(CPU_SESSION_RPC)
RPC_CLIENT_STUBS(CPU_THREAD_RPC)
RPC_CLIENT_STUBS(IO_PORT_SESSION_RPC)
RPC_CLIENT_STUBS(IRQ_SESSION_RPC)
RPC_CLIENT_STUBS(IO_MEM_SESSION_RPC)
RPC_CLIENT_STUBS(HELLO_SESSION_RPC)
RPC_CLIENT_STUBS(TIMER_SESSION_RPC)
RPC_CLIENT_STUBS(REPORT_SESSION_RPC)
