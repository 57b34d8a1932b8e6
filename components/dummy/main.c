/*
 * dummy: a test component driven entirely by its <config>. It performs the
 * config's sub-nodes in order:
 *   <log string="..."/>              print the string
 *   <exit code="N"/>                 exit with N
 *   <block/>                         stop here and wait forever
 *   <alloc_ram bytes="N"/>           allocate N bytes of RAM and touch every page
 *                                    (quiet="yes": log only failures)
 *   <fault address="0x..."/>         read that address
 *   <recurse/>                       recurse without end (a stack overflow)
 *   <session service="S" label="L"/> open a session (ram_quota/cap_quota attributes optional)
 *   <close_sessions/>                close every session opened so far
 *   <quota/>                         log the PD's RAM and capability quota and use
 *   <alloc_caps count="N"/>          allocate N capabilities (signal contexts) of its PD
 *   <sleep ms="N"/>                  wait N ms (a Timer session, opened on first use)
 *   <thread/>                        start a thread that logs, and join it
 *   <loop count="N"> ... </loop>     repeat the nested nodes N times
 *   <log_service/>, <create_log_connections count="N" ram_upgrade="Q"/>,
 *   <destroy_log_connections/>       as Genode's dummy (log_service.c)
 * Each failure is logged and the next node follows.
 */
#include "dummy.h"
#include <base/string.h>
#include <base/xml.h>
#include <component/clients.h>
#include <component/connection.h>
#include <component/env.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/thread.h>
#include <component/timer.h>

static bool run(struct env *env, const struct xml_node *list, int depth);

static void sleep_ms(struct env *env, unsigned long ms)
{
	static struct timer timer;
	static bool connected;
	if (!connected && timer_connect(env, &timer)) {
		error("sleep: no Timer session");
		return;
	}
	connected = true;
	timer_msleep(&timer, ms);
}

/* Sessions opened by <session>, closed by <close_sessions>. */
static struct opened {
	seL4_Word id;
	seL4_CPtr cap;
} opened[32];
static unsigned opened_count;

/* Each level keeps 1 KiB on the stack, so the recursion ends in the guard below the stack. */
static unsigned long recurse(unsigned long depth)
{
	volatile char frame[1024];
	frame[0] = (char)depth;
	return depth < ~0ul ? recurse(depth + 1) + frame[0] : 0;
}

static void quota(struct env *env)
{
	struct pd_quota_result q = {0};
	pd_session_quota(env->pd, 0, &q, 0, 0);
	log("quota: ram %lu of %lu used, caps %lu of %lu used", q.ram_used, q.ram_quota, q.cap_used,
	    q.cap_quota);
}

static void alloc_ram(struct env *env, const struct xml_node *n)
{
	unsigned long bytes = 0;
	xml_attr_ulong(n, "bytes", &bytes);
	seL4_CPtr ds;
	char *p;
	int err = env_alloc_ram(env, bytes, &ds);
	if (!err && (err = env_attach(env, ds, 0, 0, true, (void **)&p)))
		env_free_ram(env, ds);
	if (err) {
		error("alloc_ram of %lu bytes failed: %s", bytes, rpc_error_name(err));
		return;
	}
	for (unsigned long off = 0; off < bytes; off += 4096)
		p[off] = 1;
	if (!xml_attr_bool(n, "quiet", false))
		log("allocated and touched %lu bytes", bytes);
}

static void session(struct env *env, const struct xml_node *n)
{
	char service[32] = "", label[GENODE_SESSION_ARGS_MAX] = "", args[GENODE_SESSION_ARGS_MAX];
	unsigned long ram = 4096, caps = 4;
	xml_attr_string(n, "service", service, sizeof(service));
	xml_attr_string(n, "label", label, sizeof(label));
	xml_attr_ulong(n, "ram_quota", &ram);
	xml_attr_ulong(n, "cap_quota", &caps);
	snprintf(args, sizeof(args), "label=\"%s\", ram_quota=%lu, cap_quota=%lu", label, ram,
		 caps);
	seL4_CPtr cap;
	seL4_Word id;
	int err = env_session(env, service, args, &cap, &id);
	if (!err && opened_count < sizeof(opened) / sizeof(opened[0]))
		opened[opened_count++] = (struct opened){id, cap};
	if (err)
		error("session \"%s\" (label \"%s\") failed: %s", service, label,
		      rpc_error_name(err));
	else
		log("session \"%s\" (label \"%s\") opened", service, label);
}

static void thread_logs(void *arg)
{
	log("thread %lu runs", (unsigned long)arg);
}

/* A thread of its own, started and joined. */
static void one_thread(struct env *env)
{
	static struct thread t;
	static unsigned long started;
	int err = thread_start(env, &t, "worker", 16 * 1024, thread_logs, (void *)++started);
	if (err) {
		error("thread %lu: %s", started, rpc_error_name(err));
		return;
	}
	thread_join(env, &t);
	log("thread %lu joined", started);
}

/* Perform one node; false means stop (block). */
static bool step(struct env *env, const struct xml_node *n, int depth)
{
	char s[200];
	unsigned long v = 0;
	if (xml_has_type(n, "log")) {
		if (xml_attr_string(n, "string", s, sizeof(s)))
			log("%s", s);
	} else if (xml_has_type(n, "exit")) {
		long code = 0;
		xml_attr_long(n, "code", &code);
		env_exit(env, code);
	} else if (xml_has_type(n, "block")) {
		return false;
	} else if (xml_has_type(n, "alloc_ram")) {
		alloc_ram(env, n);
	} else if (xml_has_type(n, "fault")) {
		xml_attr_ulong(n, "address", &v);
		log("touching %#lx", v);
		(void)*(volatile char *)v;
	} else if (xml_has_type(n, "recurse")) {
		log("recursing");
		recurse(0);
	} else if (xml_has_type(n, "session")) {
		session(env, n);
	} else if (xml_has_type(n, "close_sessions")) {
		while (opened_count) {
			opened_count--;
			env_close(env, opened[opened_count].id, opened[opened_count].cap);
		}
		log("sessions closed");
	} else if (xml_has_type(n, "alloc_caps")) {
		xml_attr_ulong(n, "count", &v);
		unsigned long got = 0;
		for (; got < v; got++) {
			struct signal_handler *h = calloc(1, sizeof(*h));
			if (!h || signal_handler_init(env, h, 0))
				break;
		}
		log("allocated %lu capabilities", got);
	} else if (xml_has_type(n, "quota")) {
		quota(env);
	} else if (xml_has_type(n, "log_service")) {
		dummy_log_service(env, n);
	} else if (xml_has_type(n, "create_log_connections")) {
		dummy_create_log_connections(env, n);
	} else if (xml_has_type(n, "destroy_log_connections")) {
		dummy_destroy_log_connections(env);
	} else if (xml_has_type(n, "sleep")) {
		xml_attr_ulong(n, "ms", &v);
		sleep_ms(env, v);
	} else if (xml_has_type(n, "thread")) {
		one_thread(env);
	} else if (xml_has_type(n, "loop")) {
		xml_attr_ulong(n, "count", &v);
		for (unsigned long i = 0; i < v; i++)
			if (!run(env, n, depth + 1))
				return false;
	} else {
		xml_type(n, s, sizeof(s));
		warning("unknown node <%s>", s);
	}
	return true;
}

static bool run(struct env *env, const struct xml_node *list, int depth)
{
	if (depth > 8) {
		error("loops nested too deep");
		return true;
	}
	struct xml_node n;
	for (bool ok = xml_first_sub(list, 0, &n); ok; ok = xml_next_sub(list, 0, &n))
		if (!step(env, &n, depth))
			return false;
	return true;
}

void component_construct(struct env *env)
{
	struct rom_connection rom;
	if (rom_connect(env, "config", &rom)) {
		error("no config");
		return;
	}
	struct xml_node config;
	struct xml_error e;
	if (!xml_parse(rom.text, rom.size, &config, &e)) {
		error("config: line %u, column %u: %s", e.line, e.column, e.message);
		return;
	}
	run(env, &config, 0);
}
