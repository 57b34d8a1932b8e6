/*
 * sel4-sim faults beyond seL4's.
 *
 * A PD process that dies (killed from the host, or its runtime broke) takes
 * its VSpace with it. Every thread of that VSpace that was not suspended
 * then takes a fault, and any thread of it that is made to run later takes
 * it again: a seL4_Fault_UserException whose Number is SIM_EXCEPTION_PD_LOST
 * and whose Code is the host wait status of the process (for kill -9, the
 * signal number 9). FaultIP, SP and FLAGS are the thread's last registers
 * known to the kernel. A reply cannot resume such a thread; its fault
 * handler learns from it that the PD is gone and may delete its objects.
 */
#pragma once

#define SIM_EXCEPTION_PD_LOST 0x100
