/*
 * init's state report, as Genode's init makes it: with <report .../> in
 * the config, init writes its state through a Report session labelled
 * "state" (opened at its parent, else routed by its <default-route>,
 * own.c), at most once per delay_ms (default 100) after a change; with
 * child_ram or child_caps, every max(1 s, delay_ms) too when a child's
 * account changed. The format is Genode's:
 *
 *   <state version="...">
 *     <ram quota="..." used="..." avail="..."/>          init_ram="yes"
 *     <caps quota="..." used="..." avail="..."/>         init_caps="yes"
 *     <child name="x" binary="y" [version] [id] [exited="N"] [state="incomplete"]
 *            [skipped_heartbeats="N"]>
 *       <ram assigned="1M" quota=... used=... avail=... [requested=...]/>   child_ram
 *       <caps assigned="100" .../>                                          child_caps
 *       <requested> <session service label state ram caps/>... </requested> requested
 *       <provided> <session .../>... </provided>                            provided
 *     </child>
 *   </state>
 *
 * Extensions: state="crashed" and state="restarting" (with restarts="N")
 * for init's restart policies. Without a Report service (a top-level init
 * with no report_rom), the report goes to init's LOG, a line per message.
 * Without a Timer, reports are not delayed.
 */
#include "init.h"
#include <base/format.h>
#include <base/session_args.h>
#include <base/string.h>
#include <component/clients.h>
#include <component/log.h>
#include <genode/timer_session.h>

#define REPORT_BUFFER 4096 /* worker.c maps as much */

struct detail {
	bool ids, requested, provided, session_args, child_ram, child_caps, init_ram, init_caps;
	bool server; /* the report for the host: each requested session's server */
};

static struct own_session session;
static enum own_state session_state;
static unsigned long session_generation;
static struct own_timer timer = {.what = "state reports are not delayed"};
static struct signal_handler timeout;
static bool scheduled, sampling, enabled;
static unsigned long delay_ms = 100;
static unsigned long sampled; /* a digest of the children's accounts at the last report */

/* Genode's Num_bytes: 0, or with a G, M or K suffix where the number is a multiple. */
static void num_bytes(char *out, size_t size, unsigned long n)
{
	static const char suffix[] = {'G', 'M', 'K'};
	for (unsigned i = 0; i < 3; i++) {
		unsigned long unit = 1ul << (30 - 10 * i);
		if (n && n % unit == 0) {
			snprintf(out, size, "%lu%c", n / unit, suffix[i]);
			return;
		}
	}
	snprintf(out, size, "%lu", n);
}

static void attr_bytes(struct xml_gen *g, const char *name, unsigned long n)
{
	char v[32];
	num_bytes(v, sizeof(v), n);
	xml_gen_attr(g, name, v);
}

static void account(struct xml_gen *g, const char *type, bool ram, unsigned long assigned,
		    bool with_assigned, bool live, const struct pd_quota_result *q,
		    unsigned long requested)
{
	xml_gen_open(g, type);
	unsigned long quota = ram ? q->ram_quota : q->cap_quota,
		      used = ram ? q->ram_used : q->cap_used;
	void (*num)(struct xml_gen *, const char *, unsigned long) =
	    ram ? attr_bytes : xml_gen_attr_ulong;
	if (with_assigned)
		num(g, "assigned", assigned);
	if (live) {
		num(g, "quota", quota);
		num(g, "used", used);
		num(g, "avail", quota - used);
	}
	if (requested)
		num(g, "requested", requested);
	xml_gen_close(g);
}

static void session_node(struct xml_gen *g, const struct session *s, const struct detail *d)
{
	char label[LABEL_MAX_LEN];
	xml_gen_open(g, "session");
	xml_gen_attr(g, "service", s->service_name);
	if (!session_arg_string(s->args, "label", label, sizeof(label)))
		label[0] = 0;
	xml_gen_attr(g, "label", label);
	xml_gen_attr(g, "state", session_phase_name(s->phase));
	attr_bytes(g, "ram", s->ram);
	xml_gen_attr_ulong(g, "caps", s->caps);
	/* for `sim graph`: "parent", the serving child's name, or "init" (local) */
	if (d->server)
		xml_gen_attr(g, "server",
			     s->kind == SERVICE_LOCAL		     ? "init"
			     : s->kind == SERVICE_CHILD && s->server ? s->server->name
								     : "parent");
	xml_gen_close(g);
}

static void child_node(struct xml_gen *g, struct init_child *c, const struct detail *d)
{
	char v[64];
	xml_gen_open(g, "child");
	xml_gen_attr(g, "name", c->name);
	xml_gen_attr(g, "binary", c->binary);
	if (xml_attr_string(&c->start, "version", v, sizeof(v)))
		xml_gen_attr(g, "version", v);
	if (c->state == CHILD_INCOMPLETE || (c->has_pd && !child_started(&c->child)))
		xml_gen_attr(g, "state", "incomplete");
	if (c->state == CHILD_CRASHED)
		xml_gen_attr(g, "state", "crashed");
	if (c->state == CHILD_RESTARTING)
		xml_gen_attr(g, "state", "restarting");
	if (c->state == CHILD_EXITED || (c->state != CHILD_ALIVE && c->reason[0] == 'e'))
		xml_gen_attr_long(g, "exited", c->exit_value);
	if (c->restarts)
		xml_gen_attr_ulong(g, "restarts", c->restarts);
	unsigned skipped = c->heartbeat && child_alive(c) ? child_skipped_heartbeats(&c->child) : 0;
	if (skipped)
		xml_gen_attr_ulong(g, "skipped_heartbeats", skipped);
	struct pd_quota_result q = {0};
	bool live = child_alive(c) && !pd_session_quota(c->child.pd, 0, &q, 0, 0);
	bool ended = c->state != CHILD_ALIVE;
	if (d->child_ram && (live || ended))
		account(g, "ram", true, c->assigned_ram, true, live, &q, c->requested_ram);
	if (d->child_caps && (live || ended))
		account(g, "caps", false, c->assigned_caps, true, live, &q, c->requested_caps);
	if (d->requested && c->has_pd) {
		xml_gen_open(g, "requested");
		child_for_each_session(&c->child, s) session_node(g, s, d);
		xml_gen_close(g);
	}
	if (d->provided && c->has_pd) {
		xml_gen_open(g, "provided");
		child_for_each_served(&c->child, s) session_node(g, s, d);
		xml_gen_close(g);
	}
	xml_gen_close(g);
}

static void read_detail(struct detail *d)
{
	struct xml_node r;
	*d = (struct detail){0};
	if (!xml_first_sub(&init.config, "report", &r))
		return;
	d->ids = xml_attr_bool(&r, "ids", false);
	d->requested = xml_attr_bool(&r, "requested", false);
	d->provided = xml_attr_bool(&r, "provided", false);
	d->session_args = xml_attr_bool(&r, "session_args", false);
	d->child_ram = xml_attr_bool(&r, "child_ram", false);
	d->child_caps = xml_attr_bool(&r, "child_caps", false);
	d->init_ram = xml_attr_bool(&r, "init_ram", false);
	d->init_caps = xml_attr_bool(&r, "init_caps", false);
}

static void gen_state(struct xml_gen *g, void *arg)
{
	const struct detail *d = arg;
	char v[64];
	if (!d->server && xml_attr_string(&init.config, "version", v, sizeof(v)))
		xml_gen_attr(g, "version", v);
	struct pd_quota_result q = {0};
	if (d->init_ram || d->init_caps)
		pd_session_quota(init.env->pd, 0, &q, 0, 0);
	if (d->init_ram)
		account(g, "ram", true, 0, false, true, &q, 0);
	if (d->init_caps)
		account(g, "caps", false, 0, false, true, &q, 0);
	for (struct init_child *c = init.children; c; c = c->next)
		child_node(g, c, d);
}

/* The children's accounts, to notice changes between reports. */
static unsigned long digest(void)
{
	unsigned long h = 0;
	for (struct init_child *c = init.children; c; c = c->next) {
		struct pd_quota_result q = {0};
		if (child_alive(c))
			pd_session_quota(c->child.pd, 0, &q, 0, 0);
		h = h * 31 + q.ram_quota + q.ram_used * 7 + q.cap_quota * 13 + q.cap_used * 17;
	}
	return h;
}

static void session_ready(struct own_session *o)
{
	(void)o;
	if (session_state == OWN_WAITING)
		session_state = OWN_UNTRIED;
	report_state();
}

/* Open the Report session; false while it is not there (yet). */
static bool report_session(void)
{
	if (session_state == OWN_OPEN || session_state == OWN_ABSENT)
		return session_state == OWN_OPEN;
	if (session_state == OWN_WAITING && !session.open)
		return false;
	int err = session.open
		      ? RPC_OK
		      : own_session_open(&session, "Report", "state", 10 * 1024 + REPORT_BUFFER, 3,
					 ", buffer_size=4096", session_ready);
	if (err == RPC_UNAVAILABLE) {
		session_state = OWN_WAITING;
		return false;
	}
	if (!err) {
		session_state = OWN_OPEN;
		session_generation++;
		return true;
	}
	session_state = OWN_ABSENT; /* the report goes to the LOG */
	return false;
}

/* One LOG message per line keeps each line within the LOG's limit. */
static void log_report(char *buf)
{
	char *line = buf;
	while (line && *line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		log_write(line);
		line = nl ? nl + 1 : 0;
	}
}

/* A report as XML into buf, "<state>" with d's details; false if it does not fit. */
static bool gen_text(char *buf, size_t size, struct detail *d, size_t *len)
{
	struct xml_gen g;
	xml_gen_init(&g, buf, size);
	xml_gen_open(&g, "state");
	gen_state(&g, d);
	xml_gen_close(&g);
	*len = g.used;
	if (!xml_gen_done(&g)) {
		warning("state report does not fit its buffer");
		return false;
	}
	return true;
}

void report_state_for_host(void)
{
	static char buf[65536];
	size_t len;
	struct detail d = {.requested = true,
			   .child_ram = true,
			   .child_caps = true,
			   .init_ram = true,
			   .init_caps = true,
			   .server = true};
	if (gen_text(buf, sizeof(buf), &d, &len))
		log_report(buf);
}

static void generate(void)
{
	struct detail d;
	read_detail(&d);
	sampled = digest();
	bool to_session = report_session();
	if (!to_session && session_state != OWN_ABSENT)
		return; /* the Report session comes: report then */
	static char buf[16384];
	size_t len;
	if (!gen_text(buf, sizeof(buf) - 1, &d, &len))
		return;
	if (!to_session) {
		log_report(buf);
		return;
	}
	/* Genode's generator ends a report with a newline */
	buf[len] = '\n';
	worker_report(session.cap, session_generation, buf, len + 1);
}

static void arm(unsigned long ms)
{
	own_timer_once(&timer, ms * 1000);
}

static bool sampling_wanted(void)
{
	struct detail d;
	read_detail(&d);
	return d.child_ram || d.child_caps;
}

static void on_timeout(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (!enabled)
		return;
	bool due = scheduled || digest() != sampled;
	scheduled = false;
	if (due)
		generate();
	sampling = sampling_wanted();
	if (sampling)
		arm(delay_ms > 1000 ? delay_ms : 1000);
}

void report_state(void)
{
	if (!enabled || scheduled)
		return;
	if (!delay_ms || !own_timer_open(&timer)) {
		if (timer.state != OWN_WAITING)
			generate();
		return;
	}
	scheduled = true;
	arm(delay_ms);
}

static void timer_ready(void)
{
	report_state();
}

void report_apply_config(void)
{
	struct xml_node r;
	enabled = xml_first_sub(&init.config, "report", &r);
	delay_ms = 100;
	if (enabled)
		xml_attr_ulong(&r, "delay_ms", &delay_ms);
	if (!timeout.cap && signal_handler_init(init.env, &timeout, on_timeout))
		return;
	timer.sigh = timeout.cap;
	timer.ready = timer_ready;
	own_timer_retry(&timer);
	if (session_state == OWN_ABSENT)
		session_state = OWN_UNTRIED;
	scheduled = false;
	report_state();
}

void report_server_gone(struct init_child *server)
{
	own_timer_server_gone(&timer, server);
	if (session.pending == server || (session.s && session.s->server == &server->child)) {
		own_session_close(&session);
		session_state = OWN_UNTRIED;
	}
}
