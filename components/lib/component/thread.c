/* Component threads: stack-area slots, stacks, CPU-session threads. */
#include <base/string.h>
#include <base/tls.h>
#include <component/clients.h>
#include <component/thread.h>
#include <genode/layout.h>

unsigned thread_slot_self(void)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0) - GENODE_STACK_AREA_BASE;
	return sp < GENODE_STACK_AREA_SIZE ? (unsigned)(sp / GENODE_STACK_SLOT_SIZE) : 0;
}

/* Block until *word equals value; whoever changes it signals our lock notification. */
static void block_until(unsigned *word, unsigned value, unsigned self)
{
	while (__atomic_load_n(word, __ATOMIC_SEQ_CST) != value)
		seL4_Wait(GENODE_SEL_THREAD_LOCK(self), 0);
}

void thread_block_until(unsigned *word, unsigned value)
{
	block_until(word, value, thread_slot_self());
}

void thread_wakeup(unsigned slot)
{
	seL4_Signal(GENODE_SEL_THREAD_LOCK(slot));
}

/* As lock_acquire: the waiter registers, then looks; the waker sets, then looks. */
void blockade_block(struct blockade *b)
{
	unsigned self = thread_slot_self();
	__atomic_store_n(&b->waiter, self + 1, __ATOMIC_SEQ_CST);
	block_until(&b->woken, 1, self);
	__atomic_store_n(&b->waiter, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&b->woken, 0, __ATOMIC_SEQ_CST);
}

void blockade_wakeup(struct blockade *b)
{
	__atomic_store_n(&b->woken, 1, __ATOMIC_SEQ_CST);
	unsigned w = __atomic_load_n(&b->waiter, __ATOMIC_SEQ_CST);
	if (w)
		thread_wakeup(w - 1);
}

/*
 * A waiter registers under its ticket, then looks at serving again; the
 * releaser advances serving, then takes the registration. Both orders are
 * sequentially consistent, so either the waiter sees its turn or the
 * releaser sees the waiter and signals it. A signal that comes after the
 * waiter saw its turn stays pending and makes a later wait look once more.
 */
void lock_acquire(struct lock *l)
{
	unsigned ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->serving, __ATOMIC_SEQ_CST) == ticket)
		return;
	unsigned self = thread_slot_self();
	unsigned short *w = &l->waiter[ticket % GENODE_MAX_THREADS];
	__atomic_store_n(w, (unsigned short)(self + 1), __ATOMIC_SEQ_CST);
	block_until(&l->serving, ticket, self);
	unsigned short mine = (unsigned short)(self + 1);
	__atomic_compare_exchange_n(w, &mine, 0, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void lock_release(struct lock *l)
{
	unsigned next = __atomic_load_n(&l->serving, __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&l->serving, next, __ATOMIC_SEQ_CST);
	unsigned short w =
	    __atomic_exchange_n(&l->waiter[next % GENODE_MAX_THREADS], 0, __ATOMIC_SEQ_CST);
	if (w)
		seL4_Signal(GENODE_SEL_THREAD_LOCK(w - 1u));
}

static struct lock slots_lock;
static unsigned long slots_used[GENODE_MAX_THREADS / 64] = {1}; /* slot 0: the main thread */
static struct thread *by_slot[GENODE_MAX_THREADS];
static struct thread main_thread = {.name = "main"};
static seL4_CPtr stack_area;

static unsigned slot_alloc(void)
{
	lock_acquire(&slots_lock);
	unsigned s = 0;
	for (unsigned i = 1; i < GENODE_MAX_THREADS && !s; i++)
		if (!(slots_used[i / 64] >> (i % 64) & 1)) {
			slots_used[i / 64] |= 1ul << (i % 64);
			s = i;
		}
	lock_release(&slots_lock);
	return s;
}

static void slot_free(unsigned s)
{
	lock_acquire(&slots_lock);
	slots_used[s / 64] &= ~(1ul << (s % 64));
	by_slot[s] = 0;
	lock_release(&slots_lock);
}

struct thread *thread_myself(void)
{
	unsigned slot = thread_slot_self();
	return slot ? by_slot[slot] : &main_thread;
}

/*
 * Thread-local storage: a TLS block at the top of the thread's stack, its
 * thread pointer in t->tls; the stack proper begins below it.
 */
static unsigned long tls_setup(struct thread *t)
{
	unsigned long size = (sim_tls_block_size() + 63) & ~63ul, area = t->stack_top - size;
	t->tls = sim_tls_init((void *)area, size);
	return area;
}

/* Where a new thread starts: its struct thread lies at the top of its stack. */
void __thread_trampoline(void);
__asm__(".text\n"
	".globl __thread_trampoline\n"
	"__thread_trampoline:\n"
	"	mov (%rsp), %rdi\n"
	"	and $-16, %rsp\n"
	"	call __thread_entry\n"
	"	ud2\n");

__attribute__((noreturn, used)) void __thread_entry(struct thread *t)
{
	seL4_SetTLSBase(t->tls);
	t->entry(t->arg);
	__atomic_store_n(&t->done, 1, __ATOMIC_SEQ_CST);
	unsigned joiner = __atomic_load_n(&t->joiner, __ATOMIC_SEQ_CST);
	if (joiner)
		thread_wakeup(joiner - 1);
	/* a finished thread waits to be destroyed */
	for (;;)
		seL4_Wait(GENODE_SEL_THREAD_LOCK(t->slot), 0);
}

/* Attach size more bytes of stack below the mapped part. */
static int stack_grow(struct env *env, struct thread *t, unsigned long size)
{
	unsigned long slot_base = GENODE_STACK_AREA_BASE + t->slot * GENODE_STACK_SLOT_SIZE;
	if (t->stack_maps == THREAD_STACK_MAPPINGS || t->stack_base - size < slot_base + 0x1000)
		return RPC_OUT_OF_METADATA; /* a guard page stays at the slot's bottom */
	seL4_CPtr ds;
	int err = env_alloc_ram(env, size, &ds);
	if (!err &&
	    (err = env_attach_at(env, stack_area, ds, size, 0,
				 t->stack_base - size - GENODE_STACK_AREA_BASE, false, true))) {
		env_free_ram(env, ds);
	}
	if (err)
		return err;
	t->stack_ds[t->stack_maps] = ds;
	t->stack_part[t->stack_maps++] = size;
	t->stack_base -= size;
	return RPC_OK;
}

unsigned long thread_init_main(struct env *env, unsigned long stack_size)
{
	if (!stack_area && pd_session_stack_area(env->pd, 0, 0, 0, &stack_area))
		return 0;
	struct thread *t = &main_thread;
	t->stack_top = t->stack_base = GENODE_UTCB_OF(0);
	if (stack_grow(env, t, (stack_size + 0xfff) & ~0xffful))
		return 0;
	/* the startup code runs on us: our TLS block from now on */
	unsigned long top = tls_setup(t);
	seL4_SetTLSBase(t->tls);
	return top;
}

int thread_create(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		  void (*entry)(void *), void *arg)
{
	return thread_create_at(env, t, name, stack_size, (struct genode_affinity_location){0},
				entry, arg);
}

int thread_create_at(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		     struct genode_affinity_location location, void (*entry)(void *), void *arg)
{
	memset(t, 0, sizeof(*t));
	strlcpy(t->name, name, sizeof(t->name));
	t->entry = entry;
	t->arg = arg;
	stack_size = (stack_size + 0xfff) & ~0xffful;
	if (!stack_size || stack_size > GENODE_STACK_SLOT_SIZE - 0x2000)
		return RPC_INVALID_ARGS;
	if (!stack_area && pd_session_stack_area(env->pd, 0, 0, 0, &stack_area))
		return RPC_UNAVAILABLE;
	if (!(t->slot = slot_alloc()))
		return RPC_OUT_OF_METADATA;
	/* the stack ends right below the IPC buffer; below it a guard stays unmapped */
	unsigned long utcb = GENODE_UTCB_OF(t->slot);
	t->stack_top = t->stack_base = utcb;
	int err = stack_grow(env, t, stack_size);
	struct cpu_create_thread_args c = {.utcb = utcb, .location = location};
	strlcpy(c.name, name, sizeof(c.name));
	if (!err)
		err = cpu_session_create_thread(env->cpu, &c, 0, env->pd, &t->cap);
	/*
	 * The CPU session pays for the thread: upgrade it from our RAM, as
	 * Genode does, again while other threads take the upgrade meanwhile.
	 */
	for (unsigned attempt = 0;
	     (err == RPC_OUT_OF_RAM || err == RPC_OUT_OF_CAPS) && attempt < 16; attempt++) {
		err = env_upgrade(env, PARENT_ENV_CPU, "ram_quota=32768, cap_quota=8");
		if (!err)
			err = cpu_session_create_thread(env->cpu, &c, 0, env->pd, &t->cap);
	}
	if (err) {
		thread_destroy(env, t);
		return err;
	}
	by_slot[t->slot] = t;
	return RPC_OK;
}

int thread_run(struct thread *t)
{
	unsigned long sp = tls_setup(t) - 16;
	*(struct thread **)sp = t;
	struct cpu_thread_start_args s = {(seL4_Word)__thread_trampoline, sp};
	return cpu_thread_start(t->cap, &s, 0, 0, 0);
}

int thread_start(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		 void (*entry)(void *), void *arg)
{
	return thread_start_at(env, t, name, stack_size, (struct genode_affinity_location){0},
			       entry, arg);
}

int thread_start_at(struct env *env, struct thread *t, const char *name, unsigned long stack_size,
		    struct genode_affinity_location location, void (*entry)(void *), void *arg)
{
	int err = thread_create_at(env, t, name, stack_size, location, entry, arg);
	if (!err && (err = thread_run(t)))
		thread_destroy(env, t);
	return err;
}

void thread_wait(struct thread *t)
{
	if (!t->cap)
		return;
	/* as lock_acquire: either we see done or the thread sees us */
	unsigned self = thread_slot_self();
	__atomic_store_n(&t->joiner, self + 1, __ATOMIC_SEQ_CST);
	block_until(&t->done, 1, self);
}

void thread_join(struct env *env, struct thread *t)
{
	thread_wait(t);
	thread_destroy(env, t);
}

void thread_destroy(struct env *env, struct thread *t)
{
	if (t->cap) {
		cpu_session_kill_thread(env->cpu, 0, 0, t->cap, 0);
		rpc_cap_release(t->cap);
		t->cap = 0;
	}
	unsigned long at = t->stack_top;
	for (unsigned i = 0; i < t->stack_maps; i++) {
		at -= t->stack_part[i];
		struct region_map_addr a = {at - GENODE_STACK_AREA_BASE};
		region_map_detach(stack_area, &a, 0, 0, 0);
		env_free_ram(env, t->stack_ds[i]);
	}
	t->stack_maps = 0;
	if (t->slot)
		slot_free(t->slot);
	t->slot = 0;
}

int thread_stack_size(unsigned long size)
{
	struct thread *t = thread_myself();
	size = (size + 0xfff) & ~0xffful;
	if (!t || !t->stack_top)
		return RPC_INVALID_ARGS;
	unsigned long have = t->stack_top - t->stack_base;
	return size <= have ? RPC_OK : stack_grow(genode_env(), t, size - have);
}
