/*
 * The boot information seL4 hands its initial thread (pointer in rdi at the
 * entry point), with the initial CNode's fixed slots.
 */
#pragma once

#include "constants.h"
#include "ipc_buffer.h"

enum seL4_RootCNodeCapSlots {
	seL4_CapNull = 0,
	seL4_CapInitThreadTCB = 1,
	seL4_CapInitThreadCNode = 2,
	seL4_CapInitThreadVSpace = 3,
	seL4_CapIRQControl = 4,
	seL4_CapASIDControl = 5,
	seL4_CapInitThreadASIDPool = 6,
	seL4_CapIOPortControl = 7,
	seL4_CapIOSpace = 8,
	seL4_CapBootInfoFrame = 9,
	seL4_CapInitThreadIPCBuffer = 10,
	seL4_CapDomain = 11,
	seL4_CapSMMUSIDControl = 12,
	seL4_CapSMMUCBControl = 13,
	seL4_CapInitThreadSC = 14,
	seL4_CapSMC = 15,
	seL4_NumInitialCaps = 16
};

#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

typedef struct seL4_SlotRegion {
	seL4_SlotPos start; /* first slot of the region */
	seL4_SlotPos end;   /* first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
	seL4_Word paddr;
	seL4_Uint8 sizeBits;
	seL4_Uint8 isDevice;
	seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
	seL4_Word extraLen;
	seL4_NodeId nodeID;
	seL4_Word numNodes;
	seL4_Word numIOPTLevels;
	seL4_IPCBuffer *ipcBuffer;
	seL4_SlotRegion empty;
	seL4_SlotRegion sharedFrames;
	seL4_SlotRegion userImageFrames;
	seL4_SlotRegion userImagePaging;
	seL4_SlotRegion ioSpaceCaps;
	seL4_SlotRegion extraBIPages;
	seL4_Word initThreadCNodeSizeBits;
	seL4_Domain initThreadDomain;
	seL4_SlotRegion untyped;
	seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
} seL4_BootInfo;

_Static_assert(sizeof(seL4_BootInfo) <= seL4_PageSize, "boot info fits one frame");

#define seL4_BootInfoFrameBits seL4_PageBits
#define seL4_BootInfoFrameSize ((seL4_Word)1 << seL4_BootInfoFrameBits)

/* Extra boot info follows the boot-info frame as a chain of chunks. */
typedef enum {
	SEL4_BOOTINFO_HEADER_PADDING = 0,
	SEL4_BOOTINFO_HEADER_X86_VBE = 1,
	SEL4_BOOTINFO_HEADER_X86_MBMMAP = 2,
	SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP = 3,
	SEL4_BOOTINFO_HEADER_X86_FRAMEBUFFER = 4,
	SEL4_BOOTINFO_HEADER_X86_TSC_FREQ = 5,
	SEL4_BOOTINFO_HEADER_FDT = 6,
	SEL4_BOOTINFO_HEADER_NUM,
} seL4_BootInfoID;

typedef struct seL4_BootInfoHeader {
	seL4_Word id;  /* what follows */
	seL4_Word len; /* length of the chunk including this header */
} seL4_BootInfoHeader;

/*
 * x86 chunks: SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP is the header and a copy
 * of the 36-byte ACPI 2.0 RSDP; SEL4_BOOTINFO_HEADER_X86_MBMMAP the
 * firmware's memory map as multiboot gives it.
 */
#define SEL4_MULTIBOOT_MAX_MMAP_ENTRIES 50
#define SEL4_MULTIBOOT_RAM_REGION_TYPE	1

typedef struct seL4_X86_mb_mmap {
	seL4_Uint32 size; /* of the rest of this entry (20) */
	seL4_Uint64 base_addr;
	seL4_Uint64 length;
	seL4_Uint32 type; /* 1: RAM */
} __attribute__((packed)) seL4_X86_mb_mmap_t;

typedef struct seL4_X86_BootInfo_mmap {
	seL4_BootInfoHeader header;
	seL4_Uint32 mmap_length; /* bytes of mmap in use */
	seL4_X86_mb_mmap_t mmap[SEL4_MULTIBOOT_MAX_MMAP_ENTRIES];
} __attribute__((packed)) seL4_X86_BootInfo_mmap_t;

/*
 * sel4-sim extension: the boot modules given on kernel-sim's command line.
 * One chunk of this id lists every module: where its bytes are mapped in the
 * root task (read-only, page aligned, after the image), its length, the
 * slots of the 4 KiB frame caps that back it (in address order) and its
 * name, the base name of the host file. The id lies far above seL4's own.
 */
#define SEL4_BOOTINFO_HEADER_SIM_MODULES 0x53494d4dul /* "SIMM" */
#define SIM_MODULE_NAME_MAX		 64

typedef struct sim_BootModule {
	seL4_Word vaddr;
	seL4_Word size;
	seL4_SlotRegion frames;
	char name[SIM_MODULE_NAME_MAX];
} sim_BootModule;

typedef struct sim_BootModules {
	seL4_BootInfoHeader header;
	seL4_Word count;
	sim_BootModule module[];
} sim_BootModules;
