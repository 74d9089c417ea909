/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel object and the functions the layers share.
 *
 * Who touches what (C = control thread, R = rx_burst worker, T = tx_burst
 * worker):
 *   in (guest→host ring)   whoever holds the token: C until R first runs,
 *                           then R.  Token taken with acquire, released
 *                           with release, so each holder sees the last one's
 *                           cursor and counters.
 *   out (host→guest ring)   whoever holds the token, alone: R, T, or C
 *                           before the data path runs.  R and T run on one
 *                           worker, so they never contend; C takes the
 *                           token only before R runs, to reset a session,
 *                           or when its replies sat unsent for a whole
 *                           poll (the worker stopped, or the ring is full).
 *   outq                    SPSC: C produces its replies (NVSP completions,
 *                           RNDIS messages in control sections), the token
 *                           holder writes them to the ring before any data
 *                           of its own, so a reply published before the
 *                           state it announces reaches the guest first.
 *   ctlq                    SPSC: R (or C holding the token) produces, C
 *                           consumes; head/tail acquire/release.
 *   pub                     C writes under the seqlock; R and T copy it when
 *                           its sequence changed (once per burst).
 *   sub_state[]             atomic bytes: the owner of a section (C for
 *                           0..VS_CTL_SUBS-1, T above) moves FREE→HEAD/
 *                           MEMBER with release before the indication is
 *                           written; R moves HEAD→DONE with a CAS when the
 *                           guest completes, then pushes the id to the
 *                           owner's return queue (SPSC, R→owner); the owner
 *                           walks its private chain and frees.
 *   cnt[]                   each index has one writer context (netvsp.h).
 * Subchannels (queues 1..max_queues-1) are struct vs_netvsp objects of
 * their own: rings, token, rx/tx state, sub_state[], return queues and
 * counters are the queue's; map, header and arena are the primary's, and
 * so are pub, the control state and outq (replies go on the primary
 * only).  Queue q's workers read the primary's pub.  C resets a
 * subchannel (under its token) when the guest opens it, and publishes
 * its bit in pub.sub_open afterwards; R and T use the queue only while
 * that bit is set.  The receive sections above VS_CTL_SUBS are cut into
 * one run per queue in use (pub.n_queues), fixed for a session: NVSP 133
 * is taken once, before the guest set a packet filter, so no data
 * section is outstanding when the cut changes.
 * Everything the guest can write (header page, rings, arena) is read once
 * into private memory and validated before use.
 */
#ifndef VS_NETVSP_PRIV_H
#define VS_NETVSP_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "netvsp.h"
#include "proto_priv.h"
#include "ring_priv.h"

#define VS_MAX_SUBS 32768u      /* receive sections tracked per channel */
#define VS_CTL_SUBS 16u         /* sections kept for control replies (ref §5.3) */
#define VS_SEND_SECTION 6144u   /* send-buffer section size (ref §3.5) */
#define VS_MAX_BUF (64u << 20)  /* largest receive or send buffer accepted */
#define VS_CTLQ_LEN 16u         /* control messages queued from R to C */
#define VS_OUTQ_LEN 16u         /* control replies queued from C to the ring writer */
#define VS_CTL_MSG_MAX 4096u    /* largest RNDIS control message accepted */
#define VS_MAX_MC 32u           /* multicast list entries (802_3_MAXIMUM_LIST_SIZE) */
#define VS_RX_MAX_PKTS 8u       /* RNDIS packets per message (INIT_CMPLT) */
#define VS_TX_BATCH 32u         /* frames per receive indication */
#define VS_TXQ_HELD 64u         /* a subchannel's refused frames kept for the next try */
/* Ranges per receive indication: a coalesced frame's fragments must all
 * be in one (Linux drops a frame whose non-last fragment ends a packet);
 * 375 is the most vmswitch and OpenVMM send (ref §2.3), below Linux's
 * NVSP_RSC_MAX. */
#define VS_TX_RANGES 375u
/* Largest coalesced frame delivered: an IPv4 total length or IPv6
 * payload length must still hold it, behind one 802.1Q tag. */
#define VS_RSC_FRAME_MAX (65535u + 14u + 4u)
#define VS_PEND_MAX 64u         /* completions waiting for ring space */
#define VS_HDR_ROOM 128u        /* RNDIS PACKET + PPIs before the frame */
#define VS_MAX_SEGS 128u        /* arena segments in one guest packet */
#define VS_MAX_STREAM (128u << 10) /* bytes of RNDIS stream in one guest packet */

enum { SUB_FREE, SUB_HEAD, SUB_MEMBER, SUB_DONE };

/* Published by C for R and T. */
struct vs_pub {
	bool open;
	bool lost; /* the last guest vanished with the channel open */
	uint32_t nvsp_version;
	uint32_t ndis_major, ndis_minor, guest_mtu;
	bool rxbuf;
	uint16_t rxbuf_id;
	uint32_t rxbuf_gen; /* bumped whenever the receive buffer changes */
	uint64_t rx_off;
	uint32_t sub_size, num_sub;
	bool txbuf;
	uint64_t tx_off;
	uint32_t num_sec;
	bool rndis_up, link_up;
	uint32_t filter;
	uint8_t mac[6];
	uint32_t n_mc;
	uint8_t mc[VS_MAX_MC][6];
	bool rsc4, rsc6; /* the guest takes coalesced TCP frames (RSC) */
	uint16_t n_queues;  /* 1 + subchannels allocated */
	uint32_t sub_open;  /* bit q: queue q reset and open */
	bool rss_on;
	uint32_t rss_types; /* NDIS_HASH_* types enabled */
	uint32_t rss_n;     /* table entries, a power of two */
	uint32_t rss_key_be[NDIS_RSS_KEY_LEN / 4]; /* for rte_softrss_be */
	uint8_t rss_tbl[NDIS_RSS_TABLE_MAX];
};

/* The published copy, read and written a word at a time with relaxed
 * atomics inside the seqlock, so that a reader racing a writer reads
 * stale words it then throws away rather than racing in the C sense. */
#define VS_PUB_WORDS ((sizeof(struct vs_pub) + 7) / 8)
union vs_pub_shared {
	struct vs_pub p;
	uint64_t w[VS_PUB_WORDS];
};

/* Single-producer single-consumer queue of section ids. */
struct vs_idxq {
	uint32_t head, tail; /* head: consumer, tail: producer */
	uint32_t slot[VS_MAX_SUBS];
};

struct vs_ctl_item {
	uint8_t kind; /* ITEM_NVSP or ITEM_RNDIS */
	uint16_t flags;
	uint64_t tid;
	uint32_t len;
	uint8_t buf[VS_CTL_MSG_MAX];
};
enum { ITEM_NVSP, ITEM_RNDIS };

/* One control reply, as the ring packet it becomes. */
struct vs_out_item {
	uint16_t type, flags;
	uint16_t ext_len, plen;
	uint64_t tid;
	uint8_t ext[16];
	uint8_t pl[NVSP_MSG_V61];
};

/* State of the RNDIS device model (rndis_oid.c); C only. */
struct vs_oid_state {
	uint8_t perm_mac[6], mac[6];
	uint32_t l3_mtu;     /* the port's */
	uint32_t guest_mtu;  /* L2, from NDIS config; 0 if not sent */
	uint64_t link_speed; /* bit/s */
	bool link_up;
	uint32_t filter;
	uint32_t n_mc;
	uint8_t mc[VS_MAX_MC][6];
	struct ndis_offload_params offload;
	uint32_t nvsp_version;
	/* RSC over VMBus: offered when the guest negotiated NVSP 6.1 and
	 * declared the capability in its NDIS config (ref §3.5); on per IP
	 * version once OID_TCP_OFFLOAD_PARAMETERS asked for it (ref §4.7). */
	bool rsc_cap;
	bool rsc4_on, rsc6_on;
	/* RSS (ref §4.9): n_queues bounds the table's entries; the
	 * capabilities offer max_queues. */
	uint16_t n_queues, max_queues;
	bool rss_on;
	uint32_t rss_hash; /* hash_information */
	uint32_t rss_n;
	uint8_t rss_key[NDIS_RSS_KEY_LEN];
	uint8_t rss_tbl[NDIS_RSS_TABLE_MAX];
};

/* What one RNDIS control message did (rndis.c). */
enum vs_rndis_result {
	RR_OK,
	RR_BAD_MSG,
	RR_BAD_TYPE,
	RR_BAD_STATE,
	RR_OID_UNSUPPORTED,
	RR_OID_BAD_INPUT,
};

struct vs_ctl {
	uint32_t guest_state;
	uint32_t session; /* the header's guest_session this session began with */
	bool locked;      /* its guest was seen holding the channel lock */
	uint32_t nvsp_version;
	bool ndis_config, ndis_version;
	uint32_t ndis_major, ndis_minor, guest_mtu;
	uint64_t caps;
	bool rxbuf, txbuf;
	uint16_t rxbuf_id, txbuf_id;
	uint64_t rx_off, rx_len, tx_off, tx_len;
	uint32_t sub_size, num_sub, num_sec, rxbuf_gen;
	uint32_t datapath;
	uint16_t n_sub;        /* subchannels allocated */
	bool sub_asked;        /* NVSP 133 was answered this session */
	uint32_t sub_open;     /* the guest's open bits C has acted on */
	bool filter_ever;      /* a packet filter was set this session */
	bool rndis_up;
	bool link_dirty;   /* an indication is owed */
	bool link_told_up; /* last state indicated */
	struct vs_oid_state oid;
	uint32_t ctl_free[VS_CTL_SUBS], n_ctl_free;
	uint32_t ctl_gen; /* rxbuf_gen the control sections were reset for */
	uint8_t reply[VS_CTL_MSG_MAX + 64];
};

/* A guest packet's RNDIS byte stream, as arena ranges in order. */
struct vs_sg {
	uint64_t off[VS_MAX_SEGS];
	uint32_t len[VS_MAX_SEGS];
	uint32_t n;
	uint32_t total;
};

/* Metadata from one RNDIS PACKET (rndis.c). */
struct vs_pktinfo {
	uint32_t data_off; /* of the frame, from the message start */
	uint32_t data_len;
	bool has_vlan, has_csum, has_lso, has_hash, has_hash_info, has_rsc;
	uint32_t vlan, csum, lso, hash, hash_info;
	struct rndis_pktinfo_id rsc; /* RSC fragment (ref §4.11) */
};

struct vs_rx {
	uint32_t seq;
	struct vs_pub pub;
	struct {
		uint64_t tid;
		uint32_t status;
		uint32_t type; /* NVSP completion message type */
	} pend[VS_PEND_MAX];
	uint32_t n_pend;
	struct rte_mbuf *stash[VS_RX_MAX_PKTS];
	uint32_t n_stash, stash_head;
	struct vs_sg sg;
	uint8_t pkt[VS_RING_MAX_PKT];
	uint8_t hdr[VS_HDR_ROOM + 512];
};

struct vs_tx {
	uint32_t seq;
	struct vs_pub pub;
	uint32_t gen; /* rxbuf_gen the allocator was built for */
	uint16_t nq;  /* pub.n_queues it was built for */
	const uint32_t *hash, *hinfo; /* per frame of the burst, or NULL */
	uint16_t recount; /* head frames of the burst already counted refused */
	uint32_t free[VS_MAX_SUBS], n_free;
	uint32_t chain[VS_MAX_SUBS]; /* next section of a packet; UINT32_MAX ends */
	uint16_t rsc_id;             /* id of the next coalesced frame */
	struct vmbus_xfer_range ranges[VS_TX_RANGES];
	uint8_t ext[8 + 8 * VS_TX_RANGES];
};

/* The latest protocol violation the ring reader saw, in numbers, for the
 * control thread to describe (quarantine.c).  R writes it under a seqlock,
 * only when it meets a violation. */
enum vs_viol_kind {
	VIOL_NONE,
	VIOL_RING,     /* v0 enum vs_ring_bad, v1 its value, v2 its limit */
	VIOL_PKT_TYPE, /* v0 type, v1 flags */
	VIOL_PKT_SIZE, /* v0 bytes */
	VIOL_SECTION,  /* v0 index, v1 size, v2 sections (0: no send buffer) */
	VIOL_GPA_PAGE, /* v0 pfn, v1 the arena's first pfn, v2 its pages */
	VIOL_GPA_RANGE, /* v0 byte_count, v1 byte_offset, v2 range count */
	VIOL_RNDIS_HDR, /* v0 type, v1 msg_len, v2 stream bytes left */
	VIOL_RNDIS_PKT, /* v0 msg_len, v1 data_off | data_len << 32,
			   v2 ppi_off | ppi_len << 32 (offsets from byte 8) */
	VIOL_COMP,     /* v0 transaction id, v1 receive sections */
};

struct vs_viol {
	uint32_t seq; /* odd while R writes */
	uint32_t kind;
	uint64_t v[3];
};

struct vs_netvsp {
	char path[PATH_MAX];
	int fd;
	uint8_t *map;
	size_t map_len;
	struct vs_chan_hdr *hdr;
	uint8_t *arena;
	uint64_t arena_size;
	uint32_t l2_mtu;
	int signal_fd;
	struct vs_netvsp *prim;                   /* the primary channel (self on it) */
	uint16_t qid, max_q;                      /* queue index; queues (primary) */
	struct vs_netvsp *q[VS_NETVSP_MAX_QUEUES]; /* primary: its queues, q[0] = self */
	struct rte_ring *txq; /* subchannel: frames for it, primary's T → its R */
	struct rte_mbuf *held[VS_TXQ_HELD]; /* subchannel: refused, tried first */
	uint16_t n_held;

	struct vs_ring in, out;
	uint32_t token; /* the rings' token: its holder reads in and writes out */
	uint32_t rx_active;
	uint32_t dead;

	/* C: the guest of session lost_session died with the channel open
	 * (its lock went); its stale OPEN state counts as closed. */
	bool lost;
	uint32_t lost_session;
	uint32_t probe_tick;

	uint32_t pub_seq; /* seqlock: odd while C writes pubw */
	struct vs_pub pub;         /* C's own; copied to pubw by vs_chan_publish */
	union vs_pub_shared pubw;  /* what the workers copy */
	bool rescinded;

	struct vs_ctl c;
	struct vs_ctl_item ctlq[VS_CTLQ_LEN];
	uint32_t ctlq_head, ctlq_tail;
	struct vs_out_item outq[VS_OUTQ_LEN];
	uint32_t outq_head, outq_tail; /* head: the token holder, tail: C */
	uint32_t outq_seen;            /* C: head at its last poll */
	bool outq_waiting;             /* C: replies were queued at its last poll */

	uint8_t sub_state[VS_MAX_SUBS];
	struct vs_idxq ret_ctl, ret_tx;

	struct vs_rx rx __rte_cache_aligned;
	struct vs_tx tx __rte_cache_aligned;
	uint64_t cnt[VS_NETVSP_N_COUNTERS] __rte_cache_aligned;

	/* quarantine.c.  viol: R; quarantined: C writes, R and T load it;
	 * the rest C only. */
	struct vs_viol viol __rte_cache_aligned;
	uint32_t quarantined;
	char q_reason[160];
	uint64_t q_seen[VS_NETVSP_N_COUNTERS]; /* counters at the last violation poll */
	uint32_t q_viol_seq; /* viol.seq then */
};

/* R: records a violation for the control thread's description. */
static inline void
vs_viol_note(struct vs_netvsp *ch, uint32_t kind, uint64_t v0, uint64_t v1, uint64_t v2)
{
	uint32_t s = ch->viol.seq;

	__atomic_store_n(&ch->viol.seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&ch->viol.kind, kind, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->viol.v[0], v0, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->viol.v[1], v1, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->viol.v[2], v2, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->viol.seq, s + 2, __ATOMIC_RELEASE);
}

/* Largest frame (L2, no 802.1Q tag in its data) the guest may send or be
 * given: its NDIS-config MTU, never above the port's (netvsp.h, "MTU"). */
static inline uint32_t
vs_frame_max(uint32_t port_l2_mtu, uint32_t guest_mtu)
{
	return guest_mtu != 0 && guest_mtu < port_l2_mtu ? guest_mtu : port_l2_mtu;
}

#define CNT(ch, name) ((ch)->cnt[VS_NETVSP_C_##name])
#define CNT_ADD(ch, name, v) __atomic_store_n(&CNT(ch, name), CNT(ch, name) + (v), __ATOMIC_RELAXED)
#define CNT_INC(ch, name) CNT_ADD(ch, name, 1)

/* chan_lock.c.  Takes the host's lock on a new channel file: -EBUSY if
 * another host holds it. */
int vs_chan_host_lock(int fd);
/* Whether a guest holds the channel (its lock). */
bool vs_chan_guest_locked(int fd);
/* A channel file that already exists: if no live host holds it, marks it
 * rescinded and removes it (0); -EBUSY if a host holds it, -EEXIST if it
 * is not a channel file. */
int vs_chan_take_over(const char *path);
/* C: the guest state to act on (the header's, or CLOSED for a guest that
 * died with it OPEN) and the header's session value. */
uint32_t vs_chan_guest_state(struct vs_netvsp *ch, uint32_t *session);

/* Writes one packet to the guest and signals it if the rules say so;
 * token held. */
int vs_chan_send(struct vs_netvsp *ch, uint16_t type, uint16_t flags, uint64_t tid,
		 const void *ext, uint32_t ext_len, const void *payload, uint32_t plen,
		 enum vs_netvsp_counter sig_counter);
/* C: queues one reply for the ring writer; -ENOBUFS when the queue is
 * full. */
int vs_chan_post(struct vs_netvsp *ch, uint16_t type, uint16_t flags, uint64_t tid,
		 const void *ext, uint32_t ext_len, const void *payload, uint32_t plen);
/* Token held: writes C's queued replies while the ring has room. */
void vs_chan_flush_replies(struct vs_netvsp *ch);
void vs_chan_signal(struct vs_netvsp *ch, enum vs_netvsp_counter c);
/* Pads an NVSP message to what this version's guests accept (ref §3.4). */
uint32_t vs_nvsp_wire_len(uint32_t version, uint32_t type);

/* nvsp.c: validates one guest NVSP message (ref §3, §6.2); 0 or
 * -EMSGSIZE (short), -ENOENT (unknown type), -EPERM (not in this
 * version/state). */
int vs_nvsp_check(const void *msg, uint32_t len, uint32_t version);
/* nvsp.c: handles a validated control message (C); builds the completion
 * in reply (40 bytes) and returns its NVSP length, 0 for none. */
uint32_t vs_nvsp_handle(struct vs_netvsp *ch, const uint8_t *msg, uint32_t len, bool rc,
			uint8_t *reply);
bool vs_nvsp_version_ok(uint32_t v);

/* rndis.c */
int vs_rndis_msg_hdr(const uint8_t *p, uint32_t avail, uint32_t *type, uint32_t *msg_len);
int vs_rndis_packet_parse(const uint8_t *msg, uint32_t have, uint32_t msg_len,
			  struct vs_pktinfo *pi, enum vs_netvsp_counter *why);
int vs_rndis_ppi_walk(const uint8_t *ppi, uint32_t len, struct vs_pktinfo *pi);
/* Answers one RNDIS control message into out (cap ≥ 4096 + 64); *out_len 0
 * when no reply is due (HALT, bad messages).  *up: the RNDIS session. */
enum vs_rndis_result vs_rndis_control(struct vs_oid_state *s, bool *up, const uint8_t *msg,
				      uint32_t len, uint8_t *out, uint32_t cap, uint32_t *out_len);
uint32_t vs_rndis_indicate(uint32_t status, uint8_t *out);

/* rndis_oid.c */
uint32_t vs_oid_query(const struct vs_oid_state *s, uint32_t oid, const uint8_t *in,
		      uint32_t inlen, uint8_t *out, uint32_t cap, uint32_t *outlen);
uint32_t vs_oid_set(struct vs_oid_state *s, uint32_t oid, const uint8_t *in, uint32_t inlen,
		    bool *bad_input);

/* tx_rsc.c: writing one frame into the sections of an indication (T,
 * token held).  A frame that asked for TCP segmentation (a guest's LSO
 * superframe) gets its IP lengths and IPv4 header checksum made its own;
 * larger than one section, it goes to an RSC guest as fragments.  Each
 * returns the ranges used (≥ 1) and appends them at tx->ranges[k...];
 * 0 when the frame was dropped (counted); -ENOBUFS when its sections or
 * ranges are short (nothing used: the caller sends what it has and
 * retries). */
struct vs_tx_frame {
	uint32_t len;
	bool seg;          /* RTE_MBUF_F_TX_TCP_SEG */
	bool hash;         /* hash value and hash info PPIs (ref §4.11) */
	uint32_t hash_value, hash_info;
	uint32_t l2, l3, l4; /* headers of a seg frame */
	bool v4;
};
/* Checks a seg frame's headers (tx_rsc_bad when they do not parse). */
bool vs_tx_seg_parse(const struct rte_mbuf *m, struct vs_tx_frame *f);
/* cs: the checksum PPI's value (vs_tx_csum_info), 0 for none. */
int vs_tx_write_one(struct vs_netvsp *ch, const struct rte_mbuf *m, const struct vs_tx_frame *f,
		    uint32_t cs, uint32_t k);
int vs_tx_write_rsc(struct vs_netvsp *ch, const struct rte_mbuf *m, const struct vs_tx_frame *f,
		    uint32_t cs, uint32_t k);
/* Takes a free section for range k of the indication being built,
 * chained after range k - 1; UINT32_MAX if none is free. */
uint32_t vs_tx_take(struct vs_netvsp *ch, uint32_t k);
/* The ingress port's checksum verdicts for the guest (ref §4.11, RX
 * bits): validated, failed (the guest drops the frame), or 0 for none. */
uint32_t vs_tx_csum_info(const struct rte_mbuf *m);

/* tx_dp.c: one queue's burst (its token, its sections); hash/hinfo per
 * frame or NULL; the first recount frames were refused before and are
 * not counted refused again. */
uint16_t vs_tx_queue_burst(struct vs_netvsp *q, struct rte_mbuf **pkts, uint16_t n,
			   const uint32_t *hash, const uint32_t *hinfo, uint16_t recount);
/* tx_rss.c: the queue for m under the guest's RSS parameters; *info 0
 * when the frame has no hash (it goes to queue 0). */
uint16_t vs_rss_queue(const struct vs_pub *pub, const struct rte_mbuf *m, uint32_t *hash,
		      uint32_t *info);
/* tx_rss.c: tx_burst of a primary channel whose guest set RSS parameters. */
uint16_t vs_tx_spread(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n);
/* tx_rss.c: a subchannel's worker writes the frames handed to it (in its
 * rx_burst, token not held); frees them. */
void vs_tx_drain(struct vs_netvsp *q);
#define VS_TXQ_LEN 1024u /* frames waiting for a subchannel's worker */
/* Queue q is open (the primary always, once the channel is). */
static inline bool
vs_queue_open(const struct vs_netvsp *ch, const struct vs_pub *pub)
{
	return ch->qid == 0 || (ch->qid < pub->n_queues && (pub->sub_open >> ch->qid & 1));
}

/* rx_dp.c: reads the guest→host ring (token held).  mp NULL: the control
 * thread is reading; frames are dropped. */
uint16_t vs_netvsp_consume(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n,
			   struct rte_mempool *mp);
/* rx_dp.c: the next free control-queue slot (R), filled, then published
 * with vs_ctlq_publish. */
struct vs_ctl_item *vs_ctlq_slot(struct vs_netvsp *ch, uint8_t kind, const struct vs_ring_pkt *p);
void vs_ctlq_publish(struct vs_netvsp *ch);
/* rx_rndis.c: one guest NVSP 107 (token held): its frames go to pkts
 * (*nb of n used) or the stash, a control message to the control queue;
 * returns the completion status. */
uint32_t vs_rx_rndis_stream(struct vs_netvsp *ch, const struct vs_ring_pkt *p, const uint8_t *pl,
			    uint32_t plen, struct rte_mbuf **pkts, uint16_t n, uint16_t *nb,
			    struct rte_mempool *mp);
/* Takes the token: true if taken. */
static inline bool
vs_token_try(struct vs_netvsp *ch)
{
	uint32_t z = 0;

	return __atomic_compare_exchange_n(&ch->token, &z, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}
static inline void
vs_token_put(struct vs_netvsp *ch)
{
	__atomic_store_n(&ch->token, 0, __ATOMIC_RELEASE);
}
/* queues.c: a primary channel with nq queues (its subchannel objects and
 * their hand-off rings), or NULL; frees them all. */
struct vs_netvsp *vs_queues_make(uint16_t nq);
void vs_queues_free(struct vs_netvsp *ch);
/* queues.c: points the subchannels at their rings in the mapped file. */
void vs_queues_attach(struct vs_netvsp *ch, uint32_t ring);
/* queues.c: follows the guest's subchannel open bits (header offset 92),
 * resetting each subchannel it opens (C). */
void vs_sub_poll(struct vs_netvsp *ch);
/* channel.c: frees frames a queue's rx_burst kept for its next call. */
void vs_chan_free_stash(struct vs_netvsp *ch);
/* channel.c: publishes the control state for the workers (C). */
void vs_chan_publish(struct vs_netvsp *ch);
/* Copies the published state into a worker's private copy if it changed. */
void vs_pub_refresh(struct vs_netvsp *ch, uint32_t *seq, struct vs_pub *out);
/* SPSC id queue. */
bool vs_idxq_push(struct vs_idxq *q, uint32_t id);
bool vs_idxq_pop(struct vs_idxq *q, uint32_t *id);
/* rx_rndis.c: copies [off, off+len) of a guest stream; false if outside it. */
bool vs_sg_copy(const struct vs_netvsp *ch, const struct vs_sg *sg, uint32_t off, uint32_t len,
		void *dst);

#endif
