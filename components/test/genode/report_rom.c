/*
 * test-report_rom: Genode's report-ROM test, written for this framework
 * from the test's documented behaviour (repos/os/src/test/report_rom). A
 * reporter reports brightness 10, a ROM client reads it, the reporter
 * reports 77 and the client is signalled and reads it; the reporter closes
 * its session, and after a while the ROM is still there; a new reporter of
 * the same label reports again, and a second report session of that label
 * is refused, which stops the test (Genode's expected end).
 */
#include <base/string.h>
#include <component/connection.h>
#include <component/entrypoint.h>
#include <component/log.h>
#include <component/reporter.h>
#include <component/timer.h>

static struct env *env;
static struct timer timer;
static struct reporter brightness;
static struct rom_connection rom;
static struct signal_handler rom_update, timeout;
static enum { WAIT_FOR_FIRST_UPDATE, WAIT_FOR_TIMEOUT, WAIT_FOR_SECOND_UPDATE } state;

#define ASSERT(cond)                                                                               \
	if (!(cond)) {                                                                             \
		error("assertion %s failed", #cond);                                               \
		env_exit(env, -2);                                                                 \
	}

static void gen_value(struct xml_gen *g, void *arg)
{
	xml_gen_attr_long(g, "value", *(long *)arg);
}

static void report_brightness(long value)
{
	reporter_generate(&brightness, gen_value, &value);
}

static void on_rom_update(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (state == WAIT_FOR_FIRST_UPDATE) {
		log("ROM client: got signal");
		log("ROM client: request updated brightness report");
		rom_refresh(env, &rom);
		log("         -> %s", rom.text);
		log("Reporter: close report session, wait a bit");
		reporter_disconnect(&brightness);
		timer_trigger_once(&timer, 250 * 1000);
		state = WAIT_FOR_TIMEOUT;
		return;
	}
	if (state == WAIT_FOR_SECOND_UPDATE) {
		log("ROM client: try to open the same report again");
		struct reporter again;
		reporter_connect(env, &again, "brightness", "brightness", 4096, true);
		error("expected Service_denied");
		env_exit(env, -3);
	}
}

static void on_timeout(struct signal_handler *h, unsigned long n)
{
	(void)h, (void)n;
	if (state != WAIT_FOR_TIMEOUT)
		return;
	log("got timeout");
	log("         -> %s", rom.text);
	if (strcmp(rom.text, "<brightness value=\"77\"/>\n")) {
		error("unexpected ROM content: '%s'", rom.text);
		env_exit(env, -1);
	}
	ASSERT(rom_refresh(env, &rom) == RPC_OK && rom.text);
	log("ROM client: ROM is available despite report was closed - OK");
	log("Reporter: start reporting (while the ROM client still listens)");
	reporter_connect(env, &brightness, "brightness", "brightness", 4096, true);
	report_brightness(99);
	log("ROM client: wait for update notification");
	state = WAIT_FOR_SECOND_UPDATE;
}

void component_construct(struct env *e)
{
	env = e;
	log("--- test-report_rom started ---");
	if (timer_connect(env, &timer) || signal_handler_init(env, &timeout, on_timeout) ||
	    signal_handler_init(env, &rom_update, on_rom_update)) {
		error("no Timer session");
		env_exit(env, -1);
	}
	timer_sigh(&timer, timeout.cap);
	log("Reporter: open session");
	reporter_connect(env, &brightness, "brightness", "brightness", 4096, true);
	log("Reporter: brightness 10");
	report_brightness(10);
	log("ROM client: request brightness report");
	ASSERT(rom_connect(env, "brightness", &rom) == RPC_OK && rom.text);
	rom_sigh(&rom, rom_update.cap);
	log("         -> %s", rom.text);
	log("Reporter: updated brightness to 77");
	report_brightness(77);
	log("ROM client: wait for update notification");
}
