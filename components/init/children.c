/*
 * init's children: what a <start> node asks for (quota, binary, priority,
 * restart policy, heartbeat), the child started with the Child API under
 * init's policy, its "config" ROM, its end, and changes of its start node
 * applied in place (config, quota) as Genode's init applies them.
 *
 * Quota as Genode's init assigns it: a child gets what its start node
 * says, clamped to what init has beyond its preservation ("configured RAM
 * exceeds available RAM, proceed with N"), so later children of an
 * over-assigned config get less or nothing. A larger quota in a new config
 * is transferred to the running child (and wakes it if it waits for a
 * resource request); a smaller one is taken back from what the child has
 * free, and a yield request asks for the rest.
 */
#include "init.h"
#include <base/affinity.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>

#define container_of(p, type, member) ((type *)((char *)(p) - __builtin_offsetof(type, member)))

/* What a child keeps of its own when init takes quota back (Genode: 16 KiB and 5 caps). */
#define DOWNGRADE_KEEP_RAM  (16 * 1024ul)
#define DOWNGRADE_KEEP_CAPS 5

struct init_child *init_child_of(struct child *c)
{
	return container_of(c, struct init_child, child);
}

bool child_alive(const struct init_child *c)
{
	return c->state == CHILD_ALIVE && c->has_pd;
}

struct init_child *child_named(const char *name)
{
	for (struct init_child *c = init.children; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return 0;
}

unsigned long child_priority(const struct init_child *c, unsigned long requested)
{
	/* Genode's harmonic subdivision: init's policy in the most significant bits */
	if (requested > 0xffff)
		requested = 0xffff;
	return (requested >> init.prio_shift) |
	       (unsigned long)(-c->priority) * (0x10000ul >> init.prio_shift);
}

static void read_quota(struct init_child *c, const struct xml_node *start)
{
	unsigned long caps = 0, quantum = 0;
	struct xml_node def, res;
	/* <default caps ram>, then the start node's attributes, then <resource> nodes */
	if (xml_first_sub(&init.config, "default", &def)) {
		xml_attr_ulong(&def, "caps", &caps);
		xml_attr_ulong(&def, "ram", &quantum);
	}
	xml_attr_ulong(start, "caps", &caps);
	xml_attr_ulong(start, "ram", &quantum);
	for (bool ok = xml_first_sub(start, "resource", &res); ok;
	     ok = xml_next_sub(start, "resource", &res)) {
		if (xml_attr_equals(&res, "name", "RAM"))
			xml_attr_ulong(&res, "quantum", &quantum);
		if (xml_attr_equals(&res, "name", "CAP"))
			xml_attr_ulong(&res, "quantum", &caps);
	}
	c->ram = quantum;
	c->caps = caps;
}

/*
 * The child's CPUs, as Genode's init reads <affinity>: without xpos (ypos)
 * the whole row (column); a location beyond init's affinity space is
 * refused for the whole space.
 */
static void read_affinity(struct init_child *c)
{
	const struct genode_affinity_space *space = &init.affinity_space;
	struct genode_affinity_location l = {0, 0, space->width, space->height};
	struct xml_node a;
	if (xml_first_sub(&c->start, "affinity", &a)) {
		if (!init.has_affinity_space)
			warning("affinity-space configuration missing, but affinity defined for "
				"child %s",
				c->name);
		struct xml_attr x;
		l.width = xml_attr(&a, "xpos", &x) ? 1 : space->width;
		l.height = xml_attr(&a, "ypos", &x) ? 1 : space->height;
		xml_attr_long(&a, "xpos", &l.xpos);
		xml_attr_long(&a, "ypos", &l.ypos);
		xml_attr_ulong(&a, "width", &l.width);
		xml_attr_ulong(&a, "height", &l.height);
		if (!affinity_within(l, *space)) {
			warning("%s: affinity location exceeds affinity-space boundary", c->name);
			l = (struct genode_affinity_location){0, 0, space->width, space->height};
		}
	}
	c->affinity = (struct genode_affinity){*space, l};
}

static void read_start(struct init_child *c)
{
	struct xml_node bin, hb;
	read_quota(c, &c->start);
	strlcpy(c->binary, c->name, sizeof(c->binary));
	/* <binary> without a usable name: no binary, not the child's name (see start_child) */
	if (xml_first_sub(&c->start, "binary", &bin) &&
	    (!xml_attr_string(&bin, "name", c->binary, sizeof(c->binary)) || !c->binary[0]))
		c->binary[0] = 0;
	/* a priority can only lower a child below init, within init's levels */
	long prio = 0;
	xml_attr_long(&c->start, "priority", &prio);
	if (prio > 0 || prio <= -(long)init.prio_levels) {
		warning("child \"%s\": priority %ld is outside [%ld, 0], using %ld", c->name, prio,
			1 - (long)init.prio_levels, prio > 0 ? 0l : 1 - (long)init.prio_levels);
		prio = prio > 0 ? 0 : 1 - (long)init.prio_levels;
	}
	c->priority = prio;
	read_affinity(c);
	/* the restart policy, an init extension (MINIX 3's reincarnation server is the model) */
	c->restart = xml_attr_equals(&c->start, "restart", "always")	   ? RESTART_ALWAYS
		     : xml_attr_equals(&c->start, "restart", "on-failure") ? RESTART_ON_FAILURE
									   : RESTART_NEVER;
	char policy[16];
	if (xml_attr_string(&c->start, "restart", policy, sizeof(policy)) &&
	    strcmp(policy, "never") && c->restart == RESTART_NEVER)
		warning("child \"%s\": unknown restart policy \"%s\", using \"never\"", c->name,
			policy);
	c->restart_delay_ms = 100;
	xml_attr_ulong(&c->start, "restart_delay_ms", &c->restart_delay_ms);
	xml_attr_ulong(&c->start, "restart_max", &c->restart_max);
	c->heartbeat = xml_first_sub(&c->start, "heartbeat", &hb);
	c->restart_after_skipped = 0;
	if (c->heartbeat)
		xml_attr_ulong(&hb, "restart_after_skipped", &c->restart_after_skipped);
}

/* What init can give beyond what it preserves for itself. */
static void avail_quota(unsigned long *ram, unsigned long *caps)
{
	struct pd_quota_result q = {0};
	pd_session_quota(init.env->pd, 0, &q, 0, 0);
	unsigned long r = q.ram_quota - q.ram_used, k = q.cap_quota - q.cap_used;
	*ram = r > init.preserve_ram ? r - init.preserve_ram : 0;
	*caps = k > init.preserve_caps ? k - init.preserve_caps : 0;
}

static void clamp_quota(struct init_child *c)
{
	unsigned long ram, caps;
	avail_quota(&ram, &caps);
	c->assigned_ram = c->ram;
	c->assigned_caps = c->caps;
	if (c->ram > ram) {
		warning("%s: configured RAM exceeds available RAM, proceed with %lu", c->name, ram);
		c->assigned_ram = ram;
	}
	if (c->caps > caps) {
		warning("%s: configured caps exceed available caps, proceed with %lu", c->name,
			caps);
		c->assigned_caps = caps;
	}
}

/* The nested <config> of a start node as text (NULL: none). */
static bool config_text(const struct xml_node *start, const char **text, size_t *len)
{
	struct xml_node cfg;
	if (!xml_first_sub(start, "config", &cfg))
		return false;
	xml_text(&cfg, text, len);
	return true;
}

static void remember_config(struct init_child *c, const char *text, size_t len)
{
	free(c->config_copy);
	c->config_copy = malloc(len + 1);
	if (c->config_copy) {
		memcpy(c->config_copy, text, len);
		c->config_copy[len] = 0;
	}
}

/* --- the policy: what the Child API asks of init ---------------------------- */

static void init_pd(struct child *child)
{
	struct init_child *c = init_child_of(child);
	const char *text;
	size_t len;
	if (!config_text(&c->start, &text, &len))
		return;
	/* the child's "config" ROM, paid from its own RAM */
	local_rom_init(init.env, &c->config, child->pd);
	if (local_rom_set(&c->config, text, len)) {
		error("child \"%s\": no RAM for its config", c->name);
		return;
	}
	c->has_config = true;
	remember_config(c, text, len);
}

static void fault_signal(struct signal_handler *h, unsigned long count);

static void init_cpu(struct child *child)
{
	struct init_child *c = init_child_of(child);
	if (!signal_handler_init(init.env, &c->fault, fault_signal))
		cpu_session_exception_sigh(child->cpu, 0, 0, c->fault.cap, 0);
}

static void filter_args(struct child *child, const char *service, char *args, size_t size)
{
	if (strcmp(service, "CPU"))
		return;
	session_arg_set_ulong(
	    args, size, "priority",
	    child_priority(init_child_of(child), session_arg_ulong(args, "priority", 0)));
}

/* A session's affinity within the child's CPUs (Genode's filter_session_affinity). */
static void filter_affinity(struct child *child, struct genode_affinity *affinity)
{
	*affinity = affinity_subordinate(&init_child_of(child)->affinity, affinity);
}

static void child_exit(struct child *child, long value)
{
	struct init_child *c = init_child_of(child);
	log("child \"%s\" exited with exit value %ld", c->name, value);
	c->exit_value = value;
	snprintf(c->reason, sizeof(c->reason), "exit value %ld", value);
	child_ended(c, value != 0);
}

/*
 * Genode's init answers no resource request by itself: it reports it
 * (<ram requested="..."/>), and a config that assigns more quota wakes the
 * child (update_child).
 */
static void resource_request(struct child *child, const char *args)
{
	struct init_child *c = init_child_of(child);
	log("child \"%s\" requests resources: %s", c->name, args);
	c->requested_ram = session_arg_ulong(args, "ram_quota", 0);
	c->requested_caps = session_arg_ulong(args, "cap_quota", 0);
	report_state();
}

static void downgrade(struct init_child *c);

static void yield_response(struct child *child)
{
	downgrade(init_child_of(child));
	report_state();
}

static void changed(struct child *child)
{
	(void)child;
	report_state();
}

static void closing(struct child *child, const struct session *s)
{
	if (!init.verbose)
		return;
	const char *at = s->kind == SERVICE_CHILD && s->server ? " at "
			 : s->kind == SERVICE_PARENT	       ? " at the parent"
							       : "";
	log("%s: closing its \"%s\" session%s%s", init_child_of(child)->name, s->service_name, at,
	    s->kind == SERVICE_CHILD && s->server ? s->server->name : "");
}

/* What init keeps for a child at core: its config ROM and fault handler. */
static void release_held(struct init_child *c)
{
	if (c->has_config)
		local_rom_destroy(&c->config);
	c->has_config = false;
	if (c->fault.cap)
		signal_handler_dissolve(init.env, &c->fault);
}

static void halted(struct child *child)
{
	release_held(init_child_of(child));
}

const struct child_policy init_policy = {
    .route = init_route,
    .filter_args = filter_args,
    .filter_affinity = filter_affinity,
    .init_pd = init_pd,
    .init_cpu = init_cpu,
    .exit = child_exit,
    .announce = init_announce,
    .resource_request = resource_request,
    .yield_response = yield_response,
    .changed = changed,
    .closing = closing,
    .halted = halted,
};

/* Why the child's thread stopped, for the log. */
static bool crash_reason(struct init_child *c, char *out, size_t size)
{
	struct cpu_thread_state s = {0};
	cpu_thread_state(c->child.thread, 0, &s, 0, 0);
	if (s.state == THREAD_DEAD) {
		unsigned status = (unsigned)s.code;
		if ((status & 0x7f) && (status & 0x7f) != 0x7f)
			snprintf(out, size, "its process was killed by signal %u", status & 0x7f);
		else
			snprintf(out, size, "its process exited with status %u",
				 (status >> 8) & 0xff);
	} else if (s.state == THREAD_FAULTED && s.exception) {
		snprintf(out, size, "exception %lu at ip=%#lx", s.exception, s.ip);
	} else if (s.state == THREAD_FAULTED) {
		snprintf(out, size, "unresolvable %s fault at %#lx (ip=%#lx)",
			 s.fault_type == RM_FAULT_WRITE ? "write" : "read", s.fault_addr, s.ip);
	} else {
		return false; /* another thread faulted; the main thread goes on */
	}
	return true;
}

static void fault_signal(struct signal_handler *h, unsigned long count)
{
	(void)count;
	struct init_child *c = container_of(h, struct init_child, fault);
	if (!child_alive(c))
		return;
	if (!crash_reason(c, c->reason, sizeof(c->reason))) {
		warning("child \"%s\": one of its threads faulted", c->name);
		return;
	}
	error("child \"%s\" crashed: %s", c->name, c->reason);
	child_ended(c, true);
}

/* --- starting and ending ---------------------------------------------------- */

struct init_child *start_child(struct xml_node *start)
{
	struct init_child *c = calloc(1, sizeof(*c));
	if (!c) {
		error("out of memory for a child");
		return 0;
	}
	c->start = *start;
	if (!xml_attr_string(start, "name", c->name, sizeof(c->name)) || !c->name[0]) {
		unsigned line, col;
		xml_position(start, start->base, &line, &col);
		error("config: <start> at line %u, column %u has no name", line, col);
		free(c);
		return 0;
	}
	read_start(c);
	struct init_child **tail = &init.children;
	while (*tail)
		tail = &(*tail)->next;
	*tail = c;
	provided_create(c);
	clamp_quota(c);
	if (!c->binary[0])
		error("child \"%s\": <binary> needs a name of 1 to %zu characters", c->name,
		      sizeof(c->binary) - 1);
	if (!c->binary[0] || child_create(init.env, &c->child, &init_policy, c, c->name, c->binary,
					  c->assigned_ram, c->assigned_caps)) {
		c->state = CHILD_INCOMPLETE;
		report_state();
		return 0;
	}
	c->has_pd = true;
	child_started_running(c);
	/* clients that waited for this server */
	if (c->provides)
		children_retry_sessions();
	return c;
}

/* Wake the clients of a dead server that wait in a call to it (not in one to init). */
static void cancel_clients(struct init_child *server)
{
	for (struct init_child *o = init.children; o; o = o->next) {
		if (!child_alive(o) || o == server)
			continue;
		bool client = false, waits_for_init = false;
		child_for_each_session(&o->child, s)
		{
			waits_for_init |= s->reply != 0;
			client |= s->kind == SERVICE_CHILD && s->server == &server->child;
		}
		if (client && !waits_for_init && o->child.thread)
			cpu_thread_cancel_blocking(o->child.thread, 0, 0, 0, 0);
	}
}

void stop_child(struct init_child *c)
{
	if (c->has_pd) {
		cancel_clients(c);
		timer_server_gone(c);
		heartbeat_server_gone(c);
		report_server_gone(c);
		child_destroy(&c->child);
		c->has_pd = false;
	}
	release_held(c); /* a child that never got a PD */
	c->requested_ram = c->requested_caps = 0;
	/* an ended child stays in the state report (and may restart) */
	if (c->state != CHILD_ALIVE)
		return;
	for (struct init_child **p = &init.children; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	provided_destroy(c);
	free(c->config_copy);
	free(c);
}

void remove_child(struct init_child *c)
{
	c->state = CHILD_ALIVE; /* so that stop_child drops the record too */
	stop_child(c);
}

void children_retry_sessions(void)
{
	for (struct init_child *c = init.children; c; c = c->next)
		if (c->has_pd)
			child_retry_sessions(&c->child);
}

/* --- changes in place ---------------------------------------------------------- */

/* More quota than assigned: give it, as far as init has it, and wake a waiting child. */
static void upgrade(struct init_child *c)
{
	unsigned long ram, caps;
	avail_quota(&ram, &caps);
	unsigned long dram = c->ram > c->assigned_ram ? c->ram - c->assigned_ram : 0;
	unsigned long dcaps = c->caps > c->assigned_caps ? c->caps - c->assigned_caps : 0;
	if (dram > ram || dcaps > caps)
		warning("%s: configured quota exceeds what init has (%lu bytes, %lu caps)", c->name,
			ram, caps);
	dram = dram < ram ? dram : ram;
	dcaps = dcaps < caps ? dcaps : caps;
	if ((!dram && !dcaps) || child_transfer(init.env->pd, c->child.pd, dram, dcaps))
		return;
	c->assigned_ram += dram;
	c->assigned_caps += dcaps;
	if (c->requested_ram || c->requested_caps) {
		c->requested_ram = c->requested_caps = 0;
		child_notify_resource_avail(&c->child);
	}
}

/* Less quota than assigned: take back what the child has free, ask it to yield the rest. */
static void downgrade(struct init_child *c)
{
	if (!child_alive(c))
		return;
	unsigned long dram = c->assigned_ram > c->ram ? c->assigned_ram - c->ram : 0;
	unsigned long dcaps = c->assigned_caps > c->caps ? c->assigned_caps - c->caps : 0;
	if (!dram && !dcaps)
		return;
	struct pd_quota_result q = {0};
	pd_session_quota(c->child.pd, 0, &q, 0, 0);
	unsigned long free_ram = q.ram_quota - q.ram_used, free_caps = q.cap_quota - q.cap_used;
	unsigned long tram = free_ram > DOWNGRADE_KEEP_RAM ? free_ram - DOWNGRADE_KEEP_RAM : 0;
	unsigned long tcaps = free_caps > DOWNGRADE_KEEP_CAPS ? free_caps - DOWNGRADE_KEEP_CAPS : 0;
	tram = tram < dram ? tram : dram;
	tcaps = tcaps < dcaps ? tcaps : dcaps;
	if (!child_transfer(c->child.pd, init.env->pd, tram, tcaps)) {
		c->assigned_ram -= tram;
		c->assigned_caps -= tcaps;
		dram -= tram;
		dcaps -= tcaps;
	}
	if (dram || dcaps) {
		char args[GENODE_SESSION_ARGS_MAX];
		snprintf(args, sizeof(args), "ram_quota=%lu, cap_quota=%lu", dram, dcaps);
		child_yield(&c->child, args);
	}
}

void update_child(struct init_child *c, const struct xml_node *start)
{
	c->start = *start;
	read_quota(c, start);
	struct xml_node hb;
	c->heartbeat = xml_first_sub(start, "heartbeat", &hb);
	c->restart_after_skipped = 0;
	if (c->heartbeat)
		xml_attr_ulong(&hb, "restart_after_skipped", &c->restart_after_skipped);
	provided_create(c);
	if (!child_alive(c))
		return;
	upgrade(c);
	downgrade(c);
	const char *text;
	size_t len;
	if (!c->has_config || !config_text(start, &text, &len))
		return;
	if (c->config_copy && strlen(c->config_copy) == len && !memcmp(c->config_copy, text, len))
		return;
	if (local_rom_set(&c->config, text, len)) {
		error("child \"%s\": no RAM for its changed config", c->name);
		return;
	}
	remember_config(c, text, len);
	if (init.verbose)
		log("child \"%s\": config changed", c->name);
}
