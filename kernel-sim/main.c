/*
 * kernel-sim: seL4's kernel as one Linux process. It boots the root task
 * with its modules and then serves traps of every PD thread, one event at a
 * time, until the system halts or kernel-sim is told to stop.
 */
#include "api/debug.h"
#include "api/syscall.h"
#include "boot/boot.h"
#include "boot/sel4_config.h"
#include "devices/bus.h"
#include "devices/irq_lines.h"
#include "host/control.h"
#include "host/dispatch.h"
#include "host/loop.h"
#include "host/pd.h"
#include "host/placement.h"
#include "host/thread.h"
#include "host/fault_cost.h"
#include "host/frame_store.h"
#include "host/resources.h"
#include "host/tsc.h"
#include "kernel/delete.h"
#include "kernel/log.h"
#include "kernel/preemption.h"
#include "kernel/schedule.h"
#include "kernel/thread.h"
#include "kernel/digest.h"
#include "kernel/trace.h"
#include "object/frame.h"
#include "object/objecttype.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define KERNEL_SIM_VERSION "0.1.0"
#define DEFAULT_MEMORY	   (256ul << 20)
#define MIN_MEMORY	   (4ul << 20)
#define MAX_MEMORY	   (64ul << 30)

static bool stop_requested;
static int exit_status;

static void usage(FILE *f)
{
	fprintf(
	    f, "Usage: kernel-sim [options] ROOT_TASK [MODULE...]\n"
	       "Boot ROOT_TASK (a static x86_64 ELF) as seL4's initial thread. Each MODULE\n"
	       "file is placed after the image and listed in the boot info by its base name.\n"
	       "\n"
	       "Options:\n"
	       "  -m, --memory SIZE  simulated RAM, e.g. 64M or 1G (default 256M)\n"
	       "  -v, --verbose      print seL4-style diagnostics for failing invocations\n"
	       "                     and seL4's boot lines\n"
	       "      --control PATH the control socket for the sim tool (default sim.sock\n"
	       "                     in the working directory)\n"
	       "      --no-control   no control socket\n"
	       "      --cpus N       simulated CPUs (default 1): at most N threads run\n"
	       "                     component code at a time, chosen by seL4's scheduler;\n"
	       "                     N > 1 is an SMP kernel (its invocation label numbering)\n"
	       "      --sched MODE   sel4 (default) or host: with host every runnable thread\n"
	       "                     runs at once and Linux schedules them (not seL4's semantics)\n"
	       "      --tick-us N    the kernel's timer tick in microseconds of thread CPU\n"
	       "                     time (default 2000, CONFIG_TIMER_TICK_MS 2); 0: no\n"
	       "                     tick, a thread runs until it blocks or yields\n"
	       "      --timeslice N  ticks a thread runs before its peers (default 5,\n"
	       "                     CONFIG_TIME_SLICE)\n"
	       "      --domains N    scheduling domains (default 1, CONFIG_NUM_DOMAINS); the\n"
	       "                     root task sets the schedule (DomainSet_ScheduleConfigure)\n"
	       "      --domain-schedules N  entries of the domain schedule (default 2,\n"
	       "                     CONFIG_NUM_DOMAIN_SCHEDULES)\n"
	       "      --pin WHERE    host cores for kernel-sim and its PD processes: auto\n"
	       "                     (default: with --cpus 1 and seL4's scheduling, the core\n"
	       "                     kernel-sim starts on), off (wherever the host puts them)\n"
	       "                     or a core number\n"
	       "      --trace FILE   record every kernel event: FILE.json is a Perfetto/Chrome\n"
	       "                     trace-event file, any other name one text line per event\n"
	       "      --digest       print a digest of the kernel's event sequence at exit\n"
	       "                     (the same for two runs that made the same decisions)\n"
	       "      --memfd-frames one memfd per frame instead of the private tmpfs\n"
	       "                     (what kernel-sim falls back to where it cannot mount one)\n"
	       "      --debug-calls WHO  who may make seL4's debug calls (DebugPutChar,\n"
	       "                     DebugHalt, ...): roottask (the default), all (as a debug\n"
	       "                     kernel offers them) or none; others take an UnknownSyscall\n"
	       "  -h, --help         show this help\n"
	       "      --version      show the version\n"
	       "\n"
	       "kernel-sim runs until the root task halts the system (its status becomes\n"
	       "kernel-sim's exit status) or until SIGINT or SIGTERM (exit status 0).\n"
	       "SIGUSR1 prints every thread and its state, as seL4_DebugDumpScheduler;\n"
	       "SIGUSR2 prints kernel-sim's totals and asks the root task for its own.\n");
}

/* Parse 64M, 1G, 512K or bytes. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	unsigned shift = 0;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || v > (MAX_MEMORY >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A number in [min, max], or -1. */
static long parse_number(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || v < min || v > max ? -1 : v;
}

/* The scheduler options; 0, or 2 after a message. */
static int parse_sched_option(int c, const char *arg, struct sched_config *sc)
{
	long v;
	switch (c) {
	case 'C':
		if ((v = parse_number(arg, 1, MAX_CPUS)) < 0)
			break;
		sc->cpus = (unsigned)v;
		return 0;
	case 'S':
		if (!strcmp(arg, "sel4") || !strcmp(arg, "seL4"))
			sc->mode = SCHED_SEL4;
		else if (!strcmp(arg, "host"))
			sc->mode = SCHED_HOST;
		else
			break;
		return 0;
	case 'T':
		if ((v = parse_number(arg, 0, 1000000)) < 0)
			break;
		sc->tick_ns = (uint64_t)v * 1000;
		return 0;
	case 'L':
		if ((v = parse_number(arg, 1, 255)) < 0)
			break;
		sc->time_slice = (unsigned)v;
		return 0;
	case 'O':
		if ((v = parse_number(arg, 1, MAX_DOMAINS)) < 0)
			break;
		sc->domains = (unsigned)v;
		return 0;
	case 'E':
		if ((v = parse_number(arg, 2, 65536)) < 0)
			break;
		sc->domain_schedules = (unsigned)v;
		return 0;
	}
	fprintf(stderr, "kernel-sim: bad value '%s' for --%s\n", arg,
		c == 'C'   ? "cpus"
		: c == 'S' ? "sched"
		: c == 'T' ? "tick-us"
		: c == 'O' ? "domains"
		: c == 'E' ? "domain-schedules"
			   : "timeslice");
	return 2;
}

static void raise_fd_limit(void)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

/* SIGUSR2: kernel-sim's totals, and a request to the root task for its own. */
static void report_totals(void)
{
	unsigned long threads = 0, fds = 0;
	for (struct tcb *t = tcb_first(); t; t = t->all_next)
		threads++;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		fds++;
	}
	if (d)
		closedir(d);
	char objects[512], failures[256];
	object_totals(objects, sizeof(objects));
	host_resource_totals(failures, sizeof(failures));
	kprintf("kernel-sim: totals: %u PD processes, %lu threads, %lu fds, %lu frame files (%s)\n",
		pd_proc_count(), threads, fds ? fds - 1 : 0, frame_store_files(),
		frame_store_kind());
	kprintf("kernel-sim: objects: %s\n", objects);
	kprintf("kernel-sim: frames recalled from PD processes: %lu; host resources that ran "
		"out: %s\n",
		frame_recall_count(), failures);
	rom_update_request_report();
}

static void on_signal(struct event_source *s, uint32_t events)
{
	(void)events;
	struct signalfd_siginfo si;
	while (read(s->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM)
			stop_requested = true;
		else if (si.ssi_signo == SIGUSR1)
			dump_scheduler(true);
		else if (si.ssi_signo == SIGUSR2)
			report_totals();
}

static void root_task_died(struct pd_proc *p, int wstatus)
{
	if (WIFSIGNALED(wstatus))
		kprintf("kernel-sim: the root task's PD process (pid %d) was killed by signal %d; "
			"the system cannot continue\n",
			(int)p->pid, WTERMSIG(wstatus));
	else
		kprintf("kernel-sim: the root task's PD process (pid %d) exited with status %d; "
			"the system cannot continue\n",
			(int)p->pid, WEXITSTATUS(wstatus));
	stop_requested = true;
	exit_status = 1;
}

/*
 * After every event: what was unmapped or deleted is gone from the hosts
 * before any thread continues, then the scheduler's choice runs.
 */
static void after_event(void)
{
	fd_reserve_fill();
	frame_recall_pending();
	dispatch_settle();
}

/* pd-host sits next to kernel-sim. */
static int find_runtime(char *path, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", path, len - 1);
	if (n <= 0)
		return -1;
	path[n] = 0;
	char *slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) + sizeof("/pd-host") > len)
		return -1;
	strcpy(slash, "/pd-host");
	return access(path, X_OK);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"memory", required_argument, 0, 'm'},
	    {"verbose", no_argument, 0, 'v'},
	    {"control", required_argument, 0, 'c'},
	    {"no-control", no_argument, 0, 'n'},
	    {"cpus", required_argument, 0, 'C'},
	    {"sched", required_argument, 0, 'S'},
	    {"tick-us", required_argument, 0, 'T'},
	    {"timeslice", required_argument, 0, 'L'},
	    {"domains", required_argument, 0, 'O'},
	    {"domain-schedules", required_argument, 0, 'E'},
	    {"pin", required_argument, 0, 'P'},
	    {"trace", required_argument, 0, 't'},
	    {"memfd-frames", no_argument, 0, 'F'},
	    {"digest", no_argument, 0, 'G'},
	    {"irq-controller", required_argument, 0, 'I'},
	    {"root-cnode-bits", required_argument, 0, 'R'},
	    {"sel4-config", required_argument, 0, 'K'},
	    {"debug-calls", required_argument, 0, 'D'},
	    {"help", no_argument, 0, 'h'},
	    {"version", no_argument, 0, 'V'},
	    {0, 0, 0, 0},
	};
	struct boot_args args = {.memory = DEFAULT_MEMORY,
				 .root_cnode_bits = seL4_RootCNodeSizeBits};
	const char *control_path = "sim.sock", *trace_path = NULL;
	bool memfd_frames = false;
	struct sched_config sc = sched_config;
	bool cpus_given = false;
	int c;
	while ((c = getopt_long(argc, argv, "+m:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &args.memory) != 0 || args.memory < MIN_MEMORY) {
				fprintf(stderr, "kernel-sim: bad --memory size '%s' (4M to 64G)\n",
					optarg);
				return 2;
			}
			args.memory &= ~((uint64_t)seL4_PageSize - 1);
			break;
		case 'v':
			kernel_verbose = true;
			break;
		case 'c':
			control_path = optarg;
			break;
		case 'n':
			control_path = NULL;
			break;
		case 'C':
		case 'S':
		case 'T':
		case 'L':
		case 'O':
		case 'E':
			if (parse_sched_option(c, optarg, &sc) != 0)
				return 2;
			cpus_given |= c == 'C';
			break;
		case 'P':
			if (placement_parse(optarg) != 0) {
				fprintf(stderr, "kernel-sim: --pin is auto, off or a host core\n");
				return 2;
			}
			break;
		case 't':
			trace_path = optarg;
			break;
		case 'F':
			memfd_frames = true;
			break;
		case 'G':
			trace_digest();
			break;
		case 'R': {
			char *end;
			long bits = strtol(optarg, &end, 10);
			if (*end || bits < 4 || bits > 20) {
				fprintf(stderr, "kernel-sim: --root-cnode-bits is 4 to 20\n");
				return 2;
			}
			args.root_cnode_bits = (unsigned)bits;
			break;
		}
		case 'K':
			if (sel4_config_load(optarg, &args) != 0)
				return 2;
			break;
		case 'D':
			if (debug_calls_parse(optarg) != 0) {
				fprintf(stderr,
					"kernel-sim: --debug-calls is roottask, all or none\n");
				return 2;
			}
			break;
		case 'I':
			if (strcmp(optarg, "ioapic") == 0)
				irq_controller = IRQ_CONTROLLER_IOAPIC;
			else if (strcmp(optarg, "pic") == 0)
				irq_controller = IRQ_CONTROLLER_PIC;
			else {
				fprintf(stderr, "kernel-sim: --irq-controller is ioapic or pic\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kernel-sim (sel4-sim) " KERNEL_SIM_VERSION "\n");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	args.root_task = argv[optind];
	args.modules = (const char *const *)&argv[optind + 1];
	args.module_count = argc - optind - 1;

	char runtime[PATH_MAX];
	if (find_runtime(runtime, sizeof(runtime)) != 0) {
		fprintf(stderr, "kernel-sim: pd-host not found next to kernel-sim\n");
		return 1;
	}
	pd_set_runtime_path(runtime);
	if (trace_path && trace_open(trace_path) != 0) {
		fprintf(stderr, "kernel-sim: cannot write the trace %s: %s\n", trace_path,
			strerror(errno));
		return 1;
	}
	frame_store_init(memfd_frames);
	fd_reserve_fill();
	tsc_calibrate();
	fault_cost_measure();
	args.tsc_mhz = tsc_mhz();
	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);

	/*
	 * An image built for KernelMaxNumNodes > 1 speaks the SMP numbering and
	 * gets that many CPUs, or fewer with --cpus (seL4 uses the cores it finds).
	 */
	if (args.max_num_nodes) {
		sc.max_nodes = args.max_num_nodes;
		if (!cpus_given || sc.cpus > args.max_num_nodes)
			sc.cpus = args.max_num_nodes;
	}
	if (args.num_domains) {
		sc.domains = args.num_domains;
		sc.domain_schedules = args.num_domain_schedules;
	}
	if (sc.domains > 1 && (sc.cpus > 1 || sc.max_nodes > 1)) {
		fprintf(stderr, "kernel-sim: seL4 has no domain scheduler for SMP: --domains > 1 "
				"needs one CPU\n");
		return 2;
	}
	if (sched_init(&sc) != 0) {
		fprintf(stderr, "kernel-sim: no memory for %u domains\n", sc.domains);
		return 1;
	}
	if (placement_apply(&sc) != 0)
		return 2;

	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	sigaddset(&stop, SIGUSR2);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	struct event_source sig = {.ready = on_signal};
	sig.fd = signalfd(-1, &stop, SFD_CLOEXEC | SFD_NONBLOCK);
	if (loop_init() != 0 || sig.fd < 0 || loop_add(&sig, EPOLLIN) != 0) {
		fprintf(stderr, "kernel-sim: cannot set up the event loop: %s\n", strerror(errno));
		return 1;
	}

	if (dispatch_init() != 0) {
		fprintf(stderr, "kernel-sim: cannot create the scheduler's timers: %s\n",
			strerror(errno));
		return 1;
	}
	if (devices_init() != 0) {
		fprintf(stderr, "kernel-sim: cannot create the simulated devices: %s\n",
			strerror(errno));
		return 1;
	}
	if (control_init(control_path) != 0)
		return 1;
	if (rom_update_init(args.modules, args.module_count) != 0)
		fprintf(stderr, "kernel-sim: no ROM updates: %s\n", strerror(errno));
	host_trap_handler = handle_trap;
	preemption_host = (struct preemption_host){loop_interrupt_pending, loop_serve_interrupts};
	loop_set_after_event(after_event);
	struct pd_proc *root = boot_system(&args);
	if (!root) {
		pd_proc_kill_all();
		control_shutdown();
		trace_close();
		return 1;
	}
	root->on_exit = root_task_died;
	if (args.boot_messages || kernel_verbose)
		boot_log(&args); /* before the root task's first output: the loop has not run */

	after_event();
	while (!system_halted && !stop_requested) {
		reap_released_objects();
		console_flush();
		trace_flush();
		if (loop_run_once(-1) < 0) {
			kprintf("kernel-sim: event loop failed: %s\n", strerror(errno));
			exit_status = 1;
			break;
		}
	}
	console_flush();
	pd_proc_kill_all();
	reap_released_objects();
	if (digest_on)
		digest_print();
	trace_close();
	control_shutdown();
	return system_halted ? system_exit_status : exit_status;
}
