/* SPDX-License-Identifier: BSD-3-Clause */
/* The guest simulator's state, shared by guest.c (channel, NVSP, RNDIS
 * control) and guest_dp.c (frames). */
#ifndef VS_NETVSP_GUEST_PRIV_H
#define VS_NETVSP_GUEST_PRIV_H

#include "guest.h"
#include "netvsp_priv.h" /* wire formats, ring, RNDIS parser */

#define G_SLOTS 64u                   /* GPA-direct send slots */
#define G_SLOT_PAGES 17u              /* 64 KiB frame + header page */
/* Received frames kept till the test reads them: above the sections of a
 * 4 MB receive buffer (1806 bytes each at MTU 1500), so a guest that polls
 * late never drops what its buffer let the host send. */
#define G_RXQ 4096u
#define G_RXD (4u << 20)              /* bytes of them kept */
#define G_RECV_GPADL 0x100u
#define G_SEND_GPADL 0x101u
#define G_TID_SECTION (1ull << 40)
#define G_TID_SLOT (2ull << 40)
#define G_MAX_SECTIONS 4096u

struct vs_netvsp_guest {
	struct vs_netvsp_guest_opts o;
	int fd;
	uint8_t *map;
	size_t map_len;
	struct vs_chan_hdr *hdr;
	uint8_t *arena;
	uint64_t arena_size;
	struct vs_ring out, in; /* out: guest→host (we produce), in: host→guest */
	/* subchannel i's rings at [i]; [0] unused (out, in) */
	struct vs_ring sout[VS_NETVSP_MAX_QUEUES], sin[VS_NETVSP_MAX_QUEUES];
	uint16_t cur_q; /* channel of the host packet being handled */
	uint16_t tx_q;  /* channel frames go out on */
	uint32_t version;
	uint64_t recv_off, send_off, slot_off, ctl_off;
	uint32_t recv_size, send_size;
	uint32_t sub_size, num_sub, section_size, num_sections, max_pkts, align;
	bool recv_ok, send_ok;
	uint64_t next_tid;
	uint32_t next_rid;
	/* the one outstanding control exchange */
	uint64_t comp_tid;
	bool comp_valid;
	uint8_t comp[64];
	uint32_t comp_len;
	uint32_t reply_rid;
	bool reply_valid;
	uint8_t reply[4160];
	uint32_t reply_len;
	/* send resources: free lists */
	uint32_t sec_free[G_MAX_SECTIONS], n_sec_free;
	uint32_t slot_free[G_SLOTS], n_slot_free;
	uint32_t tx_outstanding;
	/* receive: frames in order, their bytes in a ring (rxd_head and
	 * rxd_tail count bytes ever used; a frame is never split) */
	struct vs_guest_rxent {
		uint32_t len;
		bool vlan, csum, rsc;
		uint16_t tci;
		uint32_t csum_info, rsc_frags;
		uint16_t queue;
		bool hash;
		uint32_t hash_value, hash_info;
		uint64_t end; /* rxd position after its bytes */
	} *rxq;
	uint32_t rxq_head, rxq_n;
	uint8_t *rxd;
	uint64_t rxd_head, rxd_tail;
	/* the offload parameters set at bring-up; the host offered RSC */
	struct ndis_offload_params offload;
	bool rsc_offered;
	/* the coalesced frame being reassembled; rsc_ever: RSC was on in
	 * this session (frames the host coalesced before it saw RSC turned
	 * off may still come) */
	bool rsc_on, rsc_ever, rsc_active;
	uint16_t rsc_id;
	struct vs_guest_rxent rsc_meta;
	uint8_t rsc_buf[VS_NETVSP_GUEST_FRAME_MAX];
	bool hold;
	uint64_t *held;
	uint32_t n_held, held_cap;
	uint8_t pkt[VS_RING_MAX_PKT];
	uint8_t msg[VS_NETVSP_GUEST_FRAME_MAX + 512];
	struct vs_netvsp_guest_stats st;
};

/* guest.c */
int vs_guest_wait(struct vs_netvsp_guest *g, bool (*done)(struct vs_netvsp_guest *, void *),
		  void *arg);
/* On channel q (0 primary). */
int vs_guest_send_pkt_q(struct vs_netvsp_guest *g, uint16_t q, uint16_t type, uint16_t flags,
			uint64_t tid, const void *ext, uint32_t ext_len, const void *payload,
			uint32_t plen);
int vs_guest_send_pkt(struct vs_netvsp_guest *g, uint16_t type, uint16_t flags, uint64_t tid,
		      const void *ext, uint32_t ext_len, const void *payload, uint32_t plen);
uint64_t vs_guest_pfn(const struct vs_netvsp_guest *g, uint64_t arena_off);
/* guest_subch.c: the bring-up's subchannel and RSS steps */
int vs_guest_multiqueue(struct vs_netvsp_guest *g);
/* guest_dp.c */
void vs_guest_indication(struct vs_netvsp_guest *g, const struct vs_ring_pkt *p);
void vs_guest_tx_done(struct vs_netvsp_guest *g, uint64_t tid, uint32_t status);

#endif
