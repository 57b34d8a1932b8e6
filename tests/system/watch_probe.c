/*
 * Does this host's hardware watchpoint fire? A plain program that changes
 * a variable, for debug.sh to watch with gdb before it watches component
 * data: a hypervisor that does not pass debug registers through makes gdb
 * set the watchpoint and never stop.
 */
#include <unistd.h>

volatile unsigned long changes;

int main(void)
{
	for (int i = 0; i < 20; i++) {
		usleep(1000);
		changes++;
	}
	return 0;
}
