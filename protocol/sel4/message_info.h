/*
 * seL4_MessageInfo (label:52, capsUnwrapped:3, extraCaps:2, length:7),
 * seL4_CapRights and seL4_CNode_CapData, with libsel4's accessor names.
 */
#pragma once

#include "types.h"

typedef struct seL4_MessageInfo {
	seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
						      seL4_Word extraCaps, seL4_Word length)
{
	seL4_MessageInfo_t m;
	m.words[0] = ((label & 0xfffffffffffffull) << 12) | ((capsUnwrapped & 0x7) << 9) |
		     ((extraCaps & 0x3) << 7) | (length & 0x7f);
	return m;
}

static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t m)
{
	return m.words[0] >> 12;
}

static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
	return (m.words[0] >> 9) & 0x7;
}

static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
	return (m.words[0] >> 7) & 0x3;
}

static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t m)
{
	return m.words[0] & 0x7f;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Word v)
{
	m.words[0] = (m.words[0] & 0xfffull) | ((v & 0xfffffffffffffull) << 12);
	return m;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t m,
								    seL4_Word v)
{
	m.words[0] = (m.words[0] & ~(0x7ull << 9)) | ((v & 0x7) << 9);
	return m;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t m, seL4_Word v)
{
	m.words[0] = (m.words[0] & ~(0x3ull << 7)) | ((v & 0x3) << 7);
	return m;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Word v)
{
	m.words[0] = (m.words[0] & ~0x7full) | (v & 0x7f);
	return m;
}

/* Rights: bit 3 GrantReply, bit 2 Grant, bit 1 Read, bit 0 Write. */
typedef struct seL4_CapRights {
	seL4_Word words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Word grantReply, seL4_Word grant,
						  seL4_Word read, seL4_Word write)
{
	seL4_CapRights_t r;
	r.words[0] = ((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1);
	return r;
}

static inline seL4_Word seL4_CapRights_get_capAllowGrantReply(seL4_CapRights_t r)
{
	return (r.words[0] >> 3) & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowGrant(seL4_CapRights_t r)
{
	return (r.words[0] >> 2) & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowRead(seL4_CapRights_t r)
{
	return (r.words[0] >> 1) & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowWrite(seL4_CapRights_t r)
{
	return r.words[0] & 1;
}

#define seL4_ReadWrite	   seL4_CapRights_new(0, 0, 1, 1)
#define seL4_AllRights	   seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead	   seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite	   seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant	   seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite	   seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead	   seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights	   seL4_CapRights_new(0, 0, 0, 0)

/* CNode cap data for Mint/Mutate/Configure: guard:58, guardSize:6. */
typedef struct seL4_CNode_CapData {
	seL4_Word words[1];
} seL4_CNode_CapData_t;

static inline seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Word guard, seL4_Word guardSize)
{
	seL4_CNode_CapData_t d;
	d.words[0] = ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3f);
	return d;
}

static inline seL4_Word seL4_CNode_CapData_get_guard(seL4_CNode_CapData_t d)
{
	return d.words[0] >> 6;
}

static inline seL4_Word seL4_CNode_CapData_get_guardSize(seL4_CNode_CapData_t d)
{
	return d.words[0] & 0x3f;
}
