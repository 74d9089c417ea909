/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vlan — 802.1Q port VLAN policy and tag operations.
 *
 * Policy (one per port)
 *   untagged  VLAN-unaware: every frame belongs to VLAN 1 (VS_VLAN_UNAWARE)
 *             and any tag is carried unchanged as data.  The default.
 *   access V  untagged frames belong to V and leave untagged.  A priority
 *             tag (VID 0) is accepted into V, its PCP/DEI kept.  A frame
 *             tagged with any other VID, V included, is refused: a VM on an
 *             access port does not choose VLANs.
 *   trunk     tagged frames whose VID is in the allowed set are accepted;
 *             untagged and priority-tagged frames go to the native VLAN if
 *             there is one (it is implicitly allowed), else are refused.
 *             Frames leave tagged, except in the native VLAN.
 *
 * Frames inside the switch
 *   Ingress classification removes the 802.1Q tag of access and trunk ports
 *   and returns the frame's VLAN and TCI (PCP, DEI; the VID is the VLAN),
 *   so every frame inside the switch is in its untagged form plus metadata.
 *   Egress adds the tag back where the port wants one (vs_vlan_egress), by
 *   hardware insertion when the port offers it, in software otherwise.
 *   Only TPID 0x8100 is a port tag: an 802.1ad (0x88A8) outer tag is data.
 *
 * PCP
 *   A received tag's PCP and DEI are kept end to end.  A frame that arrived
 *   without one is tagged with the ingress port's default PCP.
 *
 * Tag operations work in place in the mbuf headroom; with no headroom left a
 * push prepends a fresh segment from the pool given.  All functions are safe
 * on the fast path: no locks, no logs, no allocation except that fallback.
 * Functions returning int return 0 or a negative errno.
 */
#ifndef VS_VLAN_H
#define VS_VLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;

#define VS_VLAN_UNAWARE 1 /* the VLAN of every frame on an untagged port */
#define VS_VLAN_MAX 4094
#define VS_VLAN_TPID 0x8100

enum vs_vlan_mode {
	VS_VLAN_MODE_UNTAGGED,
	VS_VLAN_MODE_ACCESS,
	VS_VLAN_MODE_TRUNK,
};

struct vs_vlan_policy {
	enum vs_vlan_mode mode;
	uint16_t access_vid; /* access: 1..4094 */
	uint16_t native_vid; /* trunk: 0 = none */
	uint8_t default_pcp; /* 0..7, for frames that arrived without a tag */
	uint64_t allowed[64]; /* trunk: bit v set = VLAN v allowed */
};

/* Why ingress refused a frame. */
enum vs_vlan_verdict {
	VS_VLAN_OK,
	VS_VLAN_NOT_ALLOWED, /* tagged with a VID the port does not carry */
	VS_VLAN_UNTAGGED,    /* untagged or priority-tagged, and no native VLAN */
	VS_VLAN_BAD_TAG,     /* truncated tag, or VID 4095 */
};

/* What a port needs done to a frame of a VLAN on the way out. */
enum vs_vlan_encap {
	VS_VLAN_NOT_MEMBER, /* the port does not carry the VLAN */
	VS_VLAN_AS_IS,      /* send the frame in its untagged form */
	VS_VLAN_TAG,        /* add an 802.1Q tag */
};

/* Policy set-up (control path). */
void vs_vlan_policy_untagged(struct vs_vlan_policy *p);
int vs_vlan_policy_access(struct vs_vlan_policy *p, uint16_t vid, uint8_t pcp, char *err,
			  size_t errlen);
/* allowed: "10,20-30" (ids and ranges, 1..4094); native 0 = none. */
int vs_vlan_policy_trunk(struct vs_vlan_policy *p, const char *allowed, uint16_t native,
			 uint8_t pcp, char *err, size_t errlen);
/* Writes the allowed set back as "10,20-30" (always terminated). */
void vs_vlan_allowed_format(const struct vs_vlan_policy *p, char *out, size_t len);
const char *vs_vlan_mode_name(enum vs_vlan_mode m);
int vs_vlan_mode_parse(const char *s, enum vs_vlan_mode *out);

static inline bool
vs_vlan_allowed(const struct vs_vlan_policy *p, uint16_t vid)
{
	return vid <= VS_VLAN_MAX && (p->allowed[vid >> 6] >> (vid & 63)) & 1;
}

/* Does the port carry VLAN vid, and in which form does the frame leave? */
static inline enum vs_vlan_encap
vs_vlan_egress_encap(const struct vs_vlan_policy *p, uint16_t vid)
{
	switch (p->mode) {
	case VS_VLAN_MODE_UNTAGGED:
		return vid == VS_VLAN_UNAWARE ? VS_VLAN_AS_IS : VS_VLAN_NOT_MEMBER;
	case VS_VLAN_MODE_ACCESS:
		return vid == p->access_vid ? VS_VLAN_AS_IS : VS_VLAN_NOT_MEMBER;
	case VS_VLAN_MODE_TRUNK:
		if (vid == p->native_vid)
			return VS_VLAN_AS_IS;
		return vs_vlan_allowed(p, vid) ? VS_VLAN_TAG : VS_VLAN_NOT_MEMBER;
	}
	return VS_VLAN_NOT_MEMBER;
}

/*
 * Ingress classification of a burst received on a port with policy p.
 * For each frame: vlan[i] and tci[i] (PCP|DEI|VID of the frame inside the
 * switch) on VS_VLAN_OK, the tag removed from access/trunk frames; verdict[i]
 * otherwise (the frame untouched).  Frames must be at least 14 bytes.  On
 * an untagged port a tag the device stripped is put back into the frame,
 * which may replace pkts[i] (a new first segment from pkts[i]->pool).
 */
void vs_vlan_ingress(const struct vs_vlan_policy *p, struct rte_mbuf **pkts, uint16_t n,
		     uint16_t *vlan, uint16_t *tci, uint8_t *verdict);

/* Inserts an 802.1Q tag with tci after the MAC addresses; -ENOMEM if there
 * is no headroom and mp (may be NULL) has no mbuf for a new first segment. */
int vs_vlan_push(struct rte_mbuf **m, uint16_t tci, struct rte_mempool *mp);
/* Removes the outer 802.1Q tag; its TCI in *tci.  -EINVAL if the frame has
 * none or it does not lie in the first segment. */
int vs_vlan_pop(struct rte_mbuf *m, uint16_t *tci);
/* Rewrites the VID of the outer 802.1Q tag, keeping PCP and DEI. */
int vs_vlan_rewrite(struct rte_mbuf *m, uint16_t vid);

#endif
