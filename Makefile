# sel4-sim: seL4's kernel API with a Genode-style user land, as Linux processes.
#
#   make         build everything into build/ (executables in build/bin/)
#   make run     boot the default scenario
#   make test    build and run every test
#   make bench   measure against host floors
#   make deps    install missing Debian build dependencies

BUILD    ?= build
BIN      := $(BUILD)/bin
OBJ      := $(BUILD)/obj
GEN      := $(BUILD)/gen
CC       ?= gcc

# make V=1 shows every command.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1)	$(2)"
endif

WARN     := -Wall -Wextra -Werror
DEPFLAGS  = -MMD -MP

# kernel-sim and host tools: hosted C with glibc, libseccomp, libcap.
HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -Iprotocol -I$(GEN)
HOST_LIBS   := -lseccomp -lcap

# Everything that runs inside a PD: freestanding, static, no libc.
PD_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-stack-protector -fno-pie \
	-fno-pic -fno-tree-loop-distribute-patterns -fcf-protection=none \
	-fno-asynchronous-unwind-tables -Iprotocol -Icomponents/lib/sel4/include \
	-Icomponents/lib/base/include -ftls-model=local-exec
PD_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack

# Addresses from protocol/sim/layout.h.
RUNTIME_BASE   := 0x7e8000000000
COMPONENT_BASE := 0x1000000

.PHONY: fuzz all deps run test bench soak clean format
all: deps $(BIN)/kernel-sim $(BIN)/pd-host $(BIN)/core $(BIN)/sim $(TEST_BINS)

deps:
	@scripts/install-deps

# ---- kernel-sim ---------------------------------------------------------
KERNEL_SRCS := $(filter-out kernel-sim/runtime/%,$(wildcard kernel-sim/*.c kernel-sim/*/*.c))
KERNEL_OBJS := $(KERNEL_SRCS:%.c=$(OBJ)/host/%.o)
KERNEL_LIB_OBJS := $(filter-out $(OBJ)/host/kernel-sim/main.o,$(KERNEL_OBJS))

$(GEN)/hostnames_table.h:
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)echo '#include <asm/unistd_64.h>' | $(CC) -E -dM -x c - | \
		awk '$$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { printf "[%s] = \"%s\",\n", $$3, substr($$2, 6) }' \
		> $@.tmp
	$(Q)test -s $@.tmp && mv $@.tmp $@

$(OBJ)/host/kernel-sim/api/hostnames.o: $(GEN)/hostnames_table.h

$(OBJ)/host/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BIN)/kernel-sim: $(KERNEL_OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(HOST_LIBS)

# The same kernel-sim with AddressSanitizer and UBSan, for the tests.
ASAN_CFLAGS := $(filter-out -O2,$(HOST_CFLAGS)) -O1 -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
ASAN_OBJS := $(KERNEL_SRCS:%.c=$(OBJ)/asan/%.o)

$(OBJ)/asan/kernel-sim/api/hostnames.o: $(GEN)/hostnames_table.h

$(OBJ)/asan/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$< [asan])
	$(Q)$(CC) $(ASAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/kernel-sim: $(ASAN_OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/asan/pd-host: $(BIN)/pd-host
	@mkdir -p $(@D)
	$(Q)cp $< $@

# ---- pd-host, the PD runtime ---------------------------------------------
# It lives far above 4 GiB, so its code is position independent. It keeps
# off the FPU and vector registers: the direct system-call entry runs it
# with the component's in them. entry.S links first: its first code is the
# entry at SIM_SEL4_ENTRY, the text's first page (no .text.unlikely before it).
RUNTIME_CFLAGS := $(filter-out -fno-pie -fno-pic,$(PD_CFLAGS)) -fpie -mgeneral-regs-only \
	-fno-reorder-blocks-and-partition
RUNTIME_ENTRY := $(OBJ)/rt/kernel-sim/runtime/entry.o
RUNTIME_OBJS := $(RUNTIME_ENTRY) $(filter-out $(RUNTIME_ENTRY),$(patsubst %,$(OBJ)/rt/%.o,$(basename $(wildcard kernel-sim/runtime/*.c kernel-sim/runtime/*.S))))

$(OBJ)/rt/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RUNTIME_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OBJ)/rt/%.o: %.S
	@mkdir -p $(@D)
	$(call say,AS,$<)
	$(Q)$(CC) $(RUNTIME_CFLAGS) -c $< -o $@

$(BIN)/pd-host: $(RUNTIME_OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(RUNTIME_CFLAGS) $(PD_LDFLAGS) -Wl,--no-relax -Wl,-Ttext-segment=$(RUNTIME_BASE) -o $@ $^

$(OBJ)/pd/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(PD_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OBJ)/pd/%.o: %.S
	@mkdir -p $(@D)
	$(call say,AS,$<)
	$(Q)$(CC) $(PD_CFLAGS) -c $< -o $@

# ---- root tasks and components -------------------------------------------
BASE_OBJS := $(patsubst %.c,$(OBJ)/pd/%.o,$(wildcard components/lib/base/*.c))
ROOT_OBJS := $(OBJ)/pd/components/lib/crt0/roottask.o \
	$(OBJ)/pd/components/lib/crt0/roottask_start.o $(BASE_OBJS)

# A root task from the sources listed after its name.
define roottask
$(BIN)/$(1): $(patsubst %.S,$(OBJ)/pd/%.o,$(patsubst %.c,$(OBJ)/pd/%.o,$(2))) $(ROOT_OBJS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) $(PD_CFLAGS) $(PD_LDFLAGS) -Wl,-Ttext-segment=$(COMPONENT_BASE) -o $$@ $$^
endef

$(eval $(call roottask,core,$(wildcard core/*.c)))
$(eval $(call roottask,test-hello,tests/roottask/hello.c))
$(eval $(call roottask,first-roottask,tests/roottask/first_roottask.c))
$(eval $(call roottask,test-halt,tests/roottask/halt.c))
ENV_SRCS := tests/conformance/env.c tests/conformance/pd.c tests/roottask/report.c
$(eval $(call roottask,test-kill,tests/roottask/kill.c $(ENV_SRCS)))
$(eval $(call roottask,test-hostile,tests/roottask/hostile.c $(ENV_SRCS)))
$(eval $(call roottask,fuzz-invoke,tests/fuzz/invoke.c $(ENV_SRCS)))
$(eval $(call roottask,test-host-memory,tests/roottask/host_memory.c $(ENV_SRCS)))
$(eval $(call roottask,test-host-exhaust,tests/roottask/host_exhaust.c $(ENV_SRCS)))
$(eval $(call roottask,bench-kernel-root,tests/bench/kernel_root.c))
$(eval $(call roottask,bench-vm-root,tests/bench/vm_root.c $(ENV_SRCS)))
CONFORMANCE_SRCS := $(wildcard tests/conformance/*.c) tests/conformance/regs.S
$(eval $(call roottask,test-conformance,$(CONFORMANCE_SRCS)))

# ---- Genode-style components ----------------------------------------------
# The same freestanding flags; SIM_COMPONENT selects the component ABI
# (IPC buffer found from the stack-area slot, no TLS).
COMP_CFLAGS := $(PD_CFLAGS) -DSIM_COMPONENT -Icomponents/lib/component/include

$(OBJ)/comp/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(COMP_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(OBJ)/comp/%.o: %.S
	@mkdir -p $(@D)
	$(call say,AS,$<)
	$(Q)$(CC) $(COMP_CFLAGS) -c $< -o $@

COMP_LIB_SRCS := components/lib/crt0/component.S $(wildcard components/lib/component/*.c) \
	$(filter-out components/lib/base/console.c,$(wildcard components/lib/base/*.c))
COMP_LIB_OBJS := $(patsubst %.S,$(OBJ)/comp/%.o,$(patsubst %.c,$(OBJ)/comp/%.o,$(COMP_LIB_SRCS)))

# A component from the sources listed after its name.
define component
$(BIN)/$(1): $(patsubst %.c,$(OBJ)/comp/%.o,$(2)) $(COMP_LIB_OBJS)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)
	$(Q)$(CC) $(COMP_CFLAGS) $(PD_LDFLAGS) -Wl,-Ttext-segment=$(COMPONENT_BASE) -o $$@ $$^
endef

# Every directory under components/ but lib/ and test/ is a component of
# its own *.c files (components/init -> init); every components/test/NAME.c
# is the component test-NAME (underscores become dashes). A new component
# needs no line here.
# Genode's tests, transcribed, keep Genode's names: components/test/genode/
# NAME.c is test-NAME with its underscores (test-timer_accuracy).
COMPONENT_DIRS := $(filter-out lib test,$(notdir $(patsubst %/,%,$(wildcard components/*/))))
TEST_COMPONENT_SRCS := $(wildcard components/test/*.c)
GENODE_TEST_SRCS := $(wildcard components/test/genode/*.c)
test_component_name = test-$(subst _,-,$(basename $(notdir $(1))))
genode_test_name = test-$(basename $(notdir $(1)))
$(foreach d,$(COMPONENT_DIRS),$(eval $(call component,$(d),$(wildcard components/$(d)/*.c))))
$(foreach s,$(TEST_COMPONENT_SRCS),$(eval $(call component,$(call test_component_name,$(s)),$(s))))
$(foreach s,$(GENODE_TEST_SRCS),$(eval $(call component,$(call genode_test_name,$(s)),$(s))))
COMPONENTS := $(addprefix $(BIN)/,$(COMPONENT_DIRS)) \
	$(foreach s,$(TEST_COMPONENT_SRCS),$(BIN)/$(call test_component_name,$(s))) \
	$(foreach s,$(GENODE_TEST_SRCS),$(BIN)/$(call genode_test_name,$(s)))
all: $(COMPONENTS)

# ---- tests ---------------------------------------------------------------
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BIN)/unit-%,$(wildcard tests/unit/*.c))
TEST_BINS  := $(BIN)/test-hello $(BIN)/first-roottask $(BIN)/test-halt $(BIN)/test-hostile $(BIN)/test-kill $(BIN)/test-conformance $(UNIT_TESTS) \
	$(BIN)/test-host-memory $(BIN)/test-host-exhaust \
	$(BUILD)/asan/kernel-sim $(BUILD)/asan/pd-host $(BIN)/bench-kernel \
	$(BIN)/bench-kernel-root $(BIN)/bench-vm-root $(BIN)/bench-boot $(BIN)/watch-probe

$(BIN)/unit-%: tests/unit/%.c $(KERNEL_LIB_OBJS)
	@mkdir -p $(@D) $(OBJ)/unit
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -Ikernel-sim -Icomponents/lib/base/include $(DEPFLAGS) \
		-MF $(OBJ)/unit/$*.d -MT $@ -o $@ $< $(filter %.o,$^) $(HOST_LIBS)

$(BIN)/bench-kernel: tests/bench/kernel.c
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^

$(BIN)/sim: $(wildcard tools/*.c) $(wildcard tools/*.h) $(wildcard protocol/*/*.h)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^)

$(BIN)/bench-boot: tests/bench/boot.c
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^

$(BIN)/watch-probe: tests/system/watch_probe.c
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -O0 -o $@ $^

all: $(TEST_BINS)

run: all
	RUN_NO_BUILD=1 run/demo.run

test: all
	tests/run

bench: all
	$(BIN)/bench-kernel
	$(BIN)/bench-boot
	bash tests/bench/kernel_memory.sh
	bash tests/bench/scale.sh

soak: all
	tests/soak.sh

# Not in make test: tests/fuzz/run.sh says how to run it longer.
FUZZ_HARNESS := $(BUILD)/fuzz/trap-fuzz
$(FUZZ_HARNESS): tests/fuzz/trap_fuzz.c kernel-sim/api/trap_check.c kernel-sim/api/x86_decode.c \
		kernel-sim/host/channel.c kernel-sim/host/access_time.c kernel-sim/host/fault_cost.c \
		kernel-sim/host/loop.c kernel-sim/host/tsc.c kernel-sim/devices/device_clock.c
	@mkdir -p $(@D)
	$(call say,FUZZ,$@)
	$(Q)clang -std=gnu11 -g -O1 -D_GNU_SOURCE -Iprotocol -fsanitize=fuzzer,address,undefined -o $@ $^

fuzz: all $(BIN)/fuzz-invoke
	scripts/install-deps clang
	$(MAKE) $(FUZZ_HARNESS)
	tests/fuzz/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
