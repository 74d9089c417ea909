/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netvsp guest simulator — the VSC side of a netVSC channel, playing the
 * Linux hv_netvsc driver against a channel file (ARCHITECTURE §6).
 *
 * Bring-up follows hv_netvsc (ref §5.1):
 *   open: lock the channel (-EBUSY if another guest holds it), zero both
 *         ring indices, feature bit 0 on both rings (as Linux's
 *         hv_ringbuffer_init), GPA base at header offset 80, a new session
 *         value at offset 88, guest state 1
 *   NVSP INIT {min = max = v} for v = 6.1, 6, 5, 4, 2, 1 (from max_version
 *         down) until the host answers status 1
 *   NVSP 125 NDIS_CONFIG {mtu = opts.mtu (else the header's MTU) + 14,
 *         caps 802.1Q, + SR-IOV and teaming from v5, + RSC from 6.1}
 *                                                     (v ≥ 2; skippable)
 *   NVSP 100 NDIS_VERSION {6, 30} (6.1 when NVSP ≤ 4)  (skippable)
 *   GPADL + NVSP 101 {gpadl, 0xCAFE}: receive buffer (15 MiB cap for v ≤ 2)
 *   GPADL + NVSP 104 {gpadl, 0}: send buffer             (skippable)
 *   RNDIS INITIALIZE {1, 0, 0x4000}
 *   QUERY MAXIMUM_FRAME_SIZE (the MTU is lowered to it, never raised),
 *   PERMANENT_ADDRESS, FRIENDLY_NAME*,
 *   TCP_OFFLOAD_HARDWARE_CAPABILITIES* (input header 0xA7/3/156),
 *   SET TCP_OFFLOAD_PARAMETERS* (28 bytes; 22 when NVSP ≤ 4, labelled rev 3
 *   as Linux does; RSC on for IPv4 and IPv6 when the host offers both, as
 *   Linux with LRO on, off with opts.no_rsc), QUERY MEDIA_CONNECT_STATUS,
 *   LINK_SPEED* (v ≥ 5),
 *   RECEIVE_SCALE_CAPABILITIES*                         (* skippable)
 *   with opts.subchannels (v ≥ 5): NVSP 133 {1, subchannels}, open each
 *   one the host allocated (zero its ring indices, set its bit in the
 *   header at offset 92), SET RECEIVE_SCALE_PARAMETERS disable, then
 *   enable with opts.rss_key (else the well-known Microsoft key), a
 *   128-entry table i → i mod (1 + allocated) and IPv4, TCP/IPv4, IPv6,
 *   TCP/IPv6, UDP/IPv4, UDP/IPv6 hashing (rndis_filter_device_add)
 *   SET CURRENT_PACKET_FILTER 0x0D (directed | all-multicast | broadcast)
 * RNDIS requests travel GPA-direct with channel type 1, as Linux sends them.
 *
 * Received frames carry the channel (queue) they came on and the RSS hash
 * PPIs; every receive indication is completed on its own channel, as
 * Linux does.  Frames go out on the primary channel unless
 * vs_netvsp_guest_set_tx_queue chose a subchannel.
 *
 * Frames go out through a send-buffer section (batched, ≤ the host's
 * max_packets_per_message) or GPA-direct (header in the first range, frame
 * pages in the second, as Linux since 6.1-stable).  Received frames are
 * queued with their PPIs; every receive indication is completed unless
 * completions are held.  A coalesced frame (RSC, ref §4.11) is reassembled
 * as rndis_filter_receive_data does: fragments carrying the internal
 * packet id PPI, from the first-fragment one to the last-fragment one,
 * all with the same id and inside one indication, the checksum and 802.1Q
 * info taken from the first.  A fragment out of that order, one larger
 * than VS_NETVSP_GUEST_FRAME_MAX all told or beyond NVSP_RSC_MAX
 * fragments, a sequence cut short by the end of its indication, or RSC
 * sent to a guest that never enabled it: the frame is dropped and counted
 * as a protocol error.
 *
 * Single-threaded: one thread drives a guest.  Blocking calls wait for the
 * host by polling the host→guest ring; opts.idle, if set, is called on each
 * empty poll (tests use it to run the host in the same thread).
 * Functions returning int return 0 or a negative errno (-ETIMEDOUT when the
 * host did not answer, -EPROTO when it answered wrongly).
 */
#ifndef VS_NETVSP_GUEST_H
#define VS_NETVSP_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "netvsp.h" /* VS_NETVSP_MAX_QUEUES */

struct vs_netvsp_guest;

struct vs_netvsp_guest_opts {
	uint32_t max_version;   /* highest NVSP version tried (u32 form); 0: 6.1 */
	uint32_t recv_buf_size; /* 0: 16 MiB (15 MiB for NVSP ≤ 2), as Linux */
	uint32_t send_buf_size; /* 0: 1 MiB */
	bool skip_ndis_config;
	bool skip_ndis_version;
	bool skip_send_buf;
	bool skip_optional_oids;
	bool no_filter;         /* leave the packet filter at 0 (interface down) */
	bool no_rsc;            /* refuse RSC (Linux: ethtool -K lro off) */
	uint32_t mtu;           /* L3 MTU the netdev asks for (a jumbo guest: 9000);
				   0: the header's offered MTU */
	uint64_t gpa_base;      /* guest-physical address of the arena */
	uint32_t subchannels;   /* ask for this many at bring-up (v ≥ 5); 0: none */
	const uint8_t *rss_key; /* 40 bytes; NULL: the Microsoft default key */
	uint32_t timeout_ms;    /* 0: 5000 */
	void (*idle)(void *arg);
	void *idle_arg;
};

struct vs_netvsp_guest_ppi {
	bool vlan, csum, lso;
	uint16_t tci;       /* PCP | DEI | VID */
	uint32_t csum_info; /* the checksum PPI value (ref §4.11) */
	uint32_t lso_info;  /* the LSO PPI value */
};

enum vs_netvsp_guest_path { VS_GUEST_TX_SECTION, VS_GUEST_TX_GPA };

/* A coalesced TCP frame of 64 KB behind one 802.1Q tag; jumbo frames fit
 * too. */
#define VS_NETVSP_GUEST_FRAME_MAX (65535u + 14u + 4u)

struct vs_netvsp_guest_frame {
	uint32_t len;
	bool vlan, csum;
	bool rsc;           /* reassembled from RSC fragments */
	uint16_t tci;
	uint32_t csum_info;
	uint32_t rsc_frags; /* how many (1 for a frame that was not cut) */
	uint16_t queue;     /* channel it came on: 0 primary, i subchannel i */
	bool hash;          /* hash value and hash info PPIs came */
	uint32_t hash_value, hash_info;
	uint8_t data[VS_NETVSP_GUEST_FRAME_MAX];
};

struct vs_netvsp_guest_stats {
	uint64_t tx_sent, tx_completed, tx_failed;
	uint64_t rx_frames, rx_indications, rx_dropped; /* dropped: local queue full */
	uint64_t completions_sent, completions_held;
	uint64_t link_events;
	uint64_t protocol_errors; /* host packets that broke the protocol */
	uint64_t rx_rsc_frames, rx_rsc_fragments; /* coalesced frames reassembled */
	bool rsc;                 /* RSC enabled: the host offered it, we asked */
	bool link_up;
	uint32_t nvsp_version;
	uint32_t sub_size, num_sub, section_size, max_pkts;
	uint32_t l3_mtu;
	uint8_t mac[6];
	uint64_t misdeeds; /* vs_netvsp_guest_misbehave's, written */
	uint16_t queues;         /* 1 + subchannels open */
	uint64_t rx_frames_q[VS_NETVSP_MAX_QUEUES]; /* frames received per channel */
};

int vs_netvsp_guest_open(const char *path, const struct vs_netvsp_guest_opts *opts,
			 struct vs_netvsp_guest **out);
/* The hv_netvsc bring-up above. */
int vs_netvsp_guest_bringup(struct vs_netvsp_guest *g);
/* The host rescinded the channel (the NIC was removed, or its host died and
 * a new one offers a new channel in its place). */
bool vs_netvsp_guest_rescinded(const struct vs_netvsp_guest *g);
/* Teardown as Linux: HALT, revoke receive and send buffers (not on a
 * rescinded channel), close. */
void vs_netvsp_guest_close(struct vs_netvsp_guest *g);

/* Processes what the host sent; returns the number of ring packets read. */
int vs_netvsp_guest_poll(struct vs_netvsp_guest *g);
/* Pops one received frame; -EAGAIN if none. */
int vs_netvsp_guest_recv(struct vs_netvsp_guest *g, struct vs_netvsp_guest_frame *f);
/* Sends n frames; through a section they share one NVSP message.  Returns
 * 0 when all n went, -EAGAIN when none could (no section/slot or ring
 * space: poll and retry), or, GPA-direct only (a packet per frame), the
 * number sent when the ring filled part-way: retry from there. */
int vs_netvsp_guest_send(struct vs_netvsp_guest *g, const void *const *frames,
			 const uint32_t *lens, const struct vs_netvsp_guest_ppi *ppis, uint32_t n,
			 enum vs_netvsp_guest_path path);
/* Sends still waiting for their completion. */
uint32_t vs_netvsp_guest_tx_outstanding(const struct vs_netvsp_guest *g);
/* Stop (true) or resume completing receive indications; resuming
 * completes what was held. */
void vs_netvsp_guest_hold_completions(struct vs_netvsp_guest *g, bool hold);

/*
 * Misbehaving (guest_hostile.c): each misdeed is written into the shared
 * rings and arena as a broken or hostile guest would, to test the host's
 * defences (ref §6).  The ring corruptions leave the guest→host ring
 * unusable until the guest closes and reopens the channel.
 */
enum vs_netvsp_guest_misdeed {
	VS_GUEST_BAD_WRITE_INDEX,   /* guest→host write index past the ring (data size + 4096) */
	VS_GUEST_UNALIGNED_INDEX,   /* write index 4 bytes on: not a multiple of 8 */
	VS_GUEST_DESC_TOO_LONG,     /* a descriptor of 524280 bytes, longer than the ring */
	VS_GUEST_BAD_SECTION,       /* NVSP 107 naming the send-buffer section 7 past the last */
	VS_GUEST_BAD_GPA,           /* a GPA-direct frame on a page 16 past the arena's end */
	VS_GUEST_BAD_RNDIS_DATA,    /* RNDIS PACKET whose data offset points past its end */
	VS_GUEST_BAD_RNDIS_PPI,     /* RNDIS PACKET whose PPI offset points past its end */
	VS_GUEST_NO_RX_COMPLETIONS, /* receive indications never completed (until resumed
				       with vs_netvsp_guest_hold_completions) */
	VS_GUEST_FLOOD,             /* RNDIS KEEPALIVEs, valid and useless, as fast as the
				       ring takes them */
	VS_GUEST_N_MISDEEDS
};
/* Commits the misdeed n times (the ring corruptions and NO_RX_COMPLETIONS
 * once; FLOOD with n = 0: until the ring is full).  Returns how many were
 * written (FLOOD: 0 when the ring was already full), or -EAGAIN (ring
 * full), -ENOSPC (the arena has no page to spare), -EINVAL. */
int vs_netvsp_guest_misbehave(struct vs_netvsp_guest *g, enum vs_netvsp_guest_misdeed what,
			      uint32_t n);
const char *vs_netvsp_guest_misdeed_name(enum vs_netvsp_guest_misdeed m);

/* RNDIS requests (blocking).  *status: the RNDIS status in the reply. */
int vs_netvsp_guest_query(struct vs_netvsp_guest *g, uint32_t oid, const void *in, uint32_t inlen,
			  void *out, uint32_t *outlen, uint32_t *status);
int vs_netvsp_guest_set(struct vs_netvsp_guest *g, uint32_t oid, const void *in, uint32_t inlen,
			uint32_t *status);
/* Any RNDIS control message (its request id at offset 8 is replaced);
 * the reply is copied to reply (≤ *rlen bytes).  expect_reply false: sent
 * and not waited for. */
int vs_netvsp_guest_rndis(struct vs_netvsp_guest *g, void *msg, uint32_t len, bool expect_reply,
			  void *reply, uint32_t *rlen);
/* NDIS packet filter bits (ref §4.6). */
#define VS_GUEST_FILTER_DIRECTED 0x01u
#define VS_GUEST_FILTER_MULTICAST 0x02u      /* the multicast list only */
#define VS_GUEST_FILTER_ALL_MULTICAST 0x04u
#define VS_GUEST_FILTER_BROADCAST 0x08u
#define VS_GUEST_FILTER_PROMISCUOUS 0x20u
/* What Linux's netvsc_set_rx_mode does when the interface's flags change
 * (promiscuous, all-multicast): SET CURRENT_PACKET_FILTER.  -EPROTO if the
 * host refused it. */
int vs_netvsp_guest_set_filter(struct vs_netvsp_guest *g, uint32_t filter);
/* RSC on or off for both IP versions, as Linux's ethtool -K lro does
 * (SET TCP_OFFLOAD_PARAMETERS again); -EOPNOTSUPP if the host did not
 * offer it. */
int vs_netvsp_guest_set_rsc(struct vs_netvsp_guest *g, bool on);
/* SET 802_3_MULTICAST_LIST with n addresses (n = 0 empties it). */
int vs_netvsp_guest_set_multicast(struct vs_netvsp_guest *g, const uint8_t (*macs)[6],
				  uint32_t n);
/* Raw NVSP message (tests): sent in-band; with rc, waits for the completion
 * and copies its payload to reply (≤ *rlen bytes). */
int vs_netvsp_guest_nvsp(struct vs_netvsp_guest *g, const void *msg, uint32_t len, bool rc,
			 void *reply, uint32_t *rlen);
/* Raw VMBus packet on the guest→host ring (tests). */
int vs_netvsp_guest_raw(struct vs_netvsp_guest *g, uint16_t type, uint16_t flags, uint64_t tid,
			const void *ext, uint32_t ext_len, const void *payload, uint32_t plen);
/* The arena (tests write bad buffers into it), its GPA base, and the
 * header page's GPADL table. */
uint8_t *vs_netvsp_guest_arena(struct vs_netvsp_guest *g, uint64_t *size, uint64_t *gpa_base);
int vs_netvsp_guest_gpadl(struct vs_netvsp_guest *g, uint32_t handle, uint64_t off, uint64_t len);
/* NVSP 133 for n subchannels; *got: how many the host allocated, each
 * now opened (the header's sub_open bits).  -EPROTO if refused. */
int vs_netvsp_guest_subchannels(struct vs_netvsp_guest *g, uint32_t n, uint32_t *got);
/* SET RECEIVE_SCALE_PARAMETERS as Linux builds it: 40-byte object, table
 * of n u32 entries at offset 40, key after it; *status is the host's. */
int vs_netvsp_guest_set_rss(struct vs_netvsp_guest *g, const uint8_t *key, const uint32_t *table,
			    uint32_t n, uint32_t hash_info, uint32_t *status);
/* Channel for the frames vs_netvsp_guest_send sends next (< queues). */
int vs_netvsp_guest_set_tx_queue(struct vs_netvsp_guest *g, uint16_t q);
/* Replaces opts.idle (NULL: yield while waiting). */
void vs_netvsp_guest_set_idle(struct vs_netvsp_guest *g, void (*idle)(void *), void *arg);
void vs_netvsp_guest_stats(const struct vs_netvsp_guest *g, struct vs_netvsp_guest_stats *s);

#endif
