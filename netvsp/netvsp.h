/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netvsp — the host side (VSP) of a Hyper-V synthetic NIC, on a VMBus
 * channel kept in a shared-memory file (ARCHITECTURE §6).
 *
 * A channel object creates <dir>/<name>, writes the §6 header page and
 * offers the channel.  A guest (Linux hv_netvsc, DPDK net_netvsc, or the
 * simulator in netvsp/guest/) maps the file, registers GPADLs in the header,
 * opens the channel and talks NVSP and RNDIS over the two VMBus rings with
 * the real formats (ref = the protocol reference, §1–§5).
 *
 * Three entry points, three contexts:
 *   vs_netvsp_ctl_poll   control thread: channel open/close, NVSP control
 *                        messages (init, versions, buffers, revoke), RNDIS
 *                        control messages (init, query/set, halt, reset,
 *                        keepalive), link-state indications.
 *   vs_netvsp_rx_burst   one worker: frames the guest transmitted, as mbufs.
 *                        It is the only reader of the guest→host ring once
 *                        it has run; it hands control messages to the
 *                        control thread through a bounded queue, completes
 *                        the guest's packets and takes the guest's
 *                        receive completions.  Until the first rx_burst the
 *                        control poll reads the ring itself and drops the
 *                        guest's frames (counted rx_no_datapath).
 *   vs_netvsp_tx_burst   one worker (may be the rx one): frames for the guest.
 * Each function must not run concurrently with itself on one channel;
 * rx_burst and tx_burst belong on one worker thread.  The host→guest ring
 * has one writer at a time, without a lock: a token the worker takes for
 * each burst (the control thread takes it only before the data path has
 * run, to reset a session, or when the worker left its replies unsent for
 * a whole poll).  The control thread's replies (NVSP completions, RNDIS
 * messages) travel through a bounded queue that the token holder writes to
 * the ring before its own packets.  Should tx_burst find the token taken,
 * it refuses the burst (counted tx_busy) rather than wait.
 *
 * tx_burst copies: it never keeps or frees the mbufs given to it.  It returns
 * how many frames, from the front, it took (delivered, or dropped by the
 * guest's packet filter — a NIC filtering is not a failure); the rest it
 * refused because the guest holds every receive buffer section or the ring
 * is full, and the caller drops them.  Every refusal and drop is counted.
 *
 * rx_burst allocates from mp (chained mbufs for frames bigger than one
 * segment).  Guest per-packet info becomes mbuf metadata: 802.1Q →
 * vlan_tci + RTE_MBUF_F_RX_VLAN|RTE_MBUF_F_RX_VLAN_STRIPPED; checksum
 * request → RTE_MBUF_F_TX_{IPV4,IPV6,IP_CKSUM,TCP_CKSUM,UDP_CKSUM}, l2_len,
 * l3_len (the egress port or offload/ finishes the checksum); LSO v1/v2 →
 * RTE_MBUF_F_TX_TCP_SEG + tso_segsz, l2/l3/l4_len.  On delivery to the guest
 * RTE_MBUF_F_TX_VLAN + vlan_tci become an 802.1Q PPI, and good or requested
 * checksums a checksum-validated PPI.  A frame asking for TCP segmentation
 * (RTE_MBUF_F_TX_TCP_SEG) goes to a guest that enabled RSC as one
 * coalesced frame over several receive sections (tx_write.c); the caller
 * sends superframes only to such guests (vs_netvsp_info.rsc_ipv4/6).
 *
 * MTU: frames are bounded both ways by the L2 MTU the guest declared in its
 * NVSP NDIS config (netdev MTU + 14, ref §3.5; taken in [1514, 9216]),
 * never above the port's own (params.mtu + 14), which is also what RNDIS
 * answers for the maximum frame size.  A guest that sent no NDIS config
 * (NVSP 1) gets the port's.  One 802.1Q tag in the frame's data may come on
 * top (a tag carried as per-packet info is not in the frame).  Longer
 * frames are dropped: rx_over_mtu (the guest's packet fails) and
 * tx_over_mtu (taken and dropped, like a filtered frame).
 *
 * Multi-queue (ref §3.5 NVSP 133, §4.9): a channel created with
 * max_queues > 1 has max_queues - 1 subchannel ring pairs in its file
 * (ARCHITECTURE §6).  The guest asks for subchannels with NVSP 133 and
 * gets min(asked, max_queues - 1), once per session and before it sets a
 * packet filter (Linux and DPDK both do so); it opens each by setting its
 * bit in the header.  Queue 0 is the primary channel, queue i subchannel
 * i: vs_netvsp_queue(ch, i) is its own object with its own rings, token,
 * signal fd, share of the receive buffer and counters, on which
 * vs_netvsp_rx_burst reads what the guest sent on that subchannel (data
 * only: a control message there is refused, sub_ctl).  The guest completes
 * a receive indication on the queue that sent it.  vs_netvsp_tx_burst on
 * the primary spreads frames over the open queues by the guest's RSS
 * parameters (OID_GEN_RECEIVE_SCALE_PARAMETERS: Toeplitz key, indirection
 * table, hash types): the Toeplitz hash of the addresses (and TCP/UDP
 * ports, when those types are on) picks a table entry, the entry a queue,
 * and the frame carries the hash value and hash info PPIs; a frame without
 * a hashable IPv4/IPv6 header goes to queue 0.  One flow thus always goes
 * to one queue, in order.  Frames for queue 0 are written at once; those
 * for a subchannel are handed to it through a ring (a reference taken on
 * the mbuf: tx_burst still never frees) and written to the guest by that
 * queue's next rx_burst, so each queue's rings are only ever written by
 * the one worker polling it.  Queues may thus live on different workers:
 * tx_burst and rx_burst of the primary on one, each subchannel's rx_burst
 * on any one.  Frames refused at the hand-off are counted
 * (tx_queue_full).  With several queues tx_burst may reorder pkts: the
 * frames it took come first.
 *
 * Counters: one block per context, each with a single writer; reading sums
 * them with relaxed loads.  All functions returning int return 0 or a
 * negative errno.
 */
#ifndef VS_NETVSP_H
#define VS_NETVSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_mbuf;
struct rte_mempool;
struct vs_netvsp;

struct vs_netvsp_params {
	uint32_t ring_size;  /* bytes per ring, control page included; 0: 256 KiB */
	uint64_t arena_size; /* guest memory; 0: 64 MiB (the file is sparse) */
	uint32_t mtu;        /* L3 MTU offered; 0: 1500 */
	uint8_t mac[6];
	uint64_t link_speed; /* bit/s; 0: 10 Gbit/s */
	bool link_down;      /* start with the link down */
	uint16_t max_queues; /* queues a guest may use, primary included; 0: 1 */
};

#define VS_NETVSP_MAX_QUEUES 8u

/*
 * Counters.  X(name, context): ctl = control thread, rx = the rx_burst worker
 * (or the control thread before the data path runs), tx = tx_burst.
 */
#define VS_NETVSP_COUNTERS(X)                                                                      \
	X(open, ctl)               /* guest opened the channel */                                  \
	X(close, ctl)              /* guest closed it */                                            \
	X(guest_lost, ctl)         /* guest vanished with the channel open (its lock went) */       \
	X(nvsp_ctl, ctl)           /* NVSP control messages handled */                              \
	X(nvsp_short, ctl)         /* message shorter than its type needs */                        \
	X(nvsp_unknown, ctl)       /* type unknown or never used by netvsc */                       \
	X(nvsp_bad_state, ctl)     /* type not allowed in this state or version */                  \
	X(nvsp_bad_version, ctl)   /* INIT with no version we support */                           \
	X(gpadl_bad, ctl)          /* handle unknown, or range outside the arena */                 \
	X(buf_bad, ctl)            /* receive/send buffer too small, large or unaligned */          \
	X(revoke_bad_id, ctl)      /* revoke naming another buffer id */                            \
	X(rndis_ctl, ctl)          /* RNDIS control messages answered */                            \
	X(rndis_bad_msg, ctl)      /* malformed RNDIS control message */                            \
	X(rndis_bad_type, ctl)     /* RNDIS type a guest must not send */                           \
	X(rndis_bad_state, ctl)    /* request before INITIALIZE or a second INITIALIZE */           \
	X(oid_unsupported, ctl)    /* query/set of an OID we do not implement */                    \
	X(oid_bad_input, ctl)      /* set with a malformed value */                                 \
	X(ctl_no_rxbuf, ctl)       /* control reply impossible: no receive buffer */                \
	X(ctl_deferred, ctl)       /* reply postponed: ring or control sections busy */             \
	X(status_indications, ctl) /* link indications sent */                                      \
	X(subch_refused, ctl)      /* NVSP 133 refused: again, or after a packet filter was set */  \
	X(subch_allocated, ctl)    /* subchannels allocated */                                      \
	X(rx_packets, rx)          /* frames received from the guest */                             \
	X(rx_bytes, rx)                                                                             \
	X(ring_corrupt, rx)        /* guest→host ring indices or descriptor invalid */              \
	X(ring_bad_type, rx)       /* packet type or flags a guest must not send */                 \
	X(ring_too_big, rx)        /* packet larger than any valid one; skipped */                  \
	X(gpa_bad, rx)             /* GPA range malformed or outside the arena */                   \
	X(section_bad, rx)         /* send-buffer section index or size invalid */                  \
	X(rndis_bad_packet, rx)    /* RNDIS PACKET header malformed */                              \
	X(ppi_bad, rx)             /* per-packet info malformed */                                  \
	X(frame_bad_len, rx)       /* frame shorter than 14, or LSO frame over 62780 + 14 */        \
	X(rx_over_mtu, rx)         /* frame longer than the guest's MTU: its packet fails */        \
	X(lso_bad, rx)             /* LSO info impossible for the frame */                          \
	X(csum_bad, rx)            /* checksum info impossible for the frame */                     \
	X(vlan_bad, rx)            /* 802.1Q info with VLAN id 4095 */                              \
	X(rx_nombuf, rx)           /* mempool empty */                                              \
	X(rx_no_datapath, rx)      /* frame before the data path ran, or before RNDIS init */       \
	X(comp_bad, rx)            /* receive completion for no outstanding packet */              \
	X(comp_deferred, rx)       /* completion waited for ring space */                           \
	X(ctl_queue_full, rx)      /* control queue full: reading paused */                         \
	X(rx_signals, rx)          /* guest signalled by the rx worker */                           \
	X(sub_ctl, rx)             /* control message on a subchannel: refused */                   \
	X(ctl_signals, rx)         /* guest signalled for a control reply (by the ring writer) */   \
	X(tx_packets, tx)          /* frames delivered to the guest */                              \
	X(tx_bytes, tx)                                                                             \
	X(tx_indications, tx)      /* transfer-page packets (frames are batched) */                 \
	X(tx_filtered, tx)         /* dropped by the guest's packet filter */                       \
	X(tx_not_ready, tx)        /* no receive buffer, RNDIS not up, or link down */             \
	X(tx_no_section, tx)       /* guest holds every receive section: refused */                 \
	X(tx_ring_full, tx)        /* host→guest ring full: refused */                              \
	X(tx_bad_len, tx)          /* frame shorter than 14 or larger than a section */             \
	X(tx_busy, tx)             /* rings held by the control thread: refused */                  \
	X(tx_over_mtu, tx)         /* frame longer than the guest's MTU: dropped */                 \
	X(tx_csum_validated, tx)   /* delivered with TCP/UDP checksum "validated" */               \
	X(tx_csum_failed, tx)      /* delivered marked "checksum failed": the guest drops them */ \
	X(tx_rsc_frames, tx)       /* coalesced TCP frames delivered as RSC fragments */            \
	X(tx_rsc_fragments, tx)    /* receive sections those took */                                \
	X(tx_rsc_off, tx)          /* superframe for a guest without RSC: dropped */                \
	X(tx_queue_full, tx)       /* a subchannel's hand-off ring was full: refused */             \
	X(tx_handed, tx)           /* frames handed to a subchannel's worker */                     \
	X(tx_rsc_bad, tx)          /* superframe whose headers or size cannot be coalesced */       \
	X(tx_signals, tx)          /* guest signalled by the tx worker */

enum vs_netvsp_counter {
#define VS_NETVSP_X_ENUM(name, ctx) VS_NETVSP_C_##name,
	VS_NETVSP_COUNTERS(VS_NETVSP_X_ENUM)
#undef VS_NETVSP_X_ENUM
	VS_NETVSP_N_COUNTERS
};

const char *vs_netvsp_counter_name(enum vs_netvsp_counter c);
/* Fills out[VS_NETVSP_N_COUNTERS]; any thread. */
void vs_netvsp_counters(const struct vs_netvsp *ch, uint64_t *out);
uint64_t vs_netvsp_counter(const struct vs_netvsp *ch, enum vs_netvsp_counter c);
/* On the primary channel both sum every queue; on vs_netvsp_queue(ch, q),
 * q > 0, they give that queue's alone. */

/* What the guest negotiated; any thread (fields are read individually). */
struct vs_netvsp_info {
	bool open;              /* guest has the channel open */
	bool lost;              /* the last guest vanished without closing it */
	bool rescinded;
	uint32_t nvsp_version;  /* 0 until INIT succeeded */
	uint32_t ndis_major, ndis_minor;
	uint32_t guest_mtu;     /* L2, from NDIS config; 0 if not sent */
	uint32_t frame_max;     /* L2 bound on frames both ways (see above) */
	uint32_t sub_size, num_sub; /* receive-buffer sections; 0 if none */
	uint32_t send_sections; /* send-buffer sections of 6144 bytes; 0 if none */
	bool rndis_up;          /* INITIALIZE done and not halted */
	uint32_t packet_filter; /* NDIS_PACKET_TYPE_* bits */
	bool link_up;
	uint8_t mac[6];
	bool rsc_ipv4, rsc_ipv6; /* the guest enabled RSC (receive coalescing) */
	uint16_t queues;         /* 1 + subchannels allocated */
	uint32_t sub_open;       /* bit i: subchannel i open */
	bool rss_on;             /* the guest's RSS parameters are in force */
};

/* Creates <dir>/<name> (dir must exist), maps it and offers the channel.
 * -EEXIST if the file exists; err names the field at fault. */
int vs_netvsp_create(const char *dir, const char *name, const struct vs_netvsp_params *p,
		     struct vs_netvsp **out, char *err, size_t errlen);
/* Marks the channel rescinded (the NIC is being removed); the data path
 * stops.  Control thread. */
void vs_netvsp_rescind(struct vs_netvsp *ch);
/* Unmaps and unlinks the file.  No burst may be running or start again. */
void vs_netvsp_destroy(struct vs_netvsp *ch);
const char *vs_netvsp_path(const struct vs_netvsp *ch);

/* Control thread.  Returns the number of control messages handled (≥ 0), or
 * -EPIPE once the guest→host ring was found corrupt (the channel is dead
 * until the guest closes and reopens it). */
int vs_netvsp_ctl_poll(struct vs_netvsp *ch);
/* Control thread: link state; indicated to the guest when RNDIS is up. */
void vs_netvsp_set_link(struct vs_netvsp *ch, bool up);
/* Optional: an eventfd written whenever the signalling rules (ref §1.5,
 * §1.6) say the guest must be signalled.  -1 (default): signals are only
 * counted, for a polling guest. */
void vs_netvsp_set_signal_fd(struct vs_netvsp *ch, int efd);
void vs_netvsp_get_info(const struct vs_netvsp *ch, struct vs_netvsp_info *info);

/*
 * Protocol violations and quarantine (quarantine.c).  A violation is a
 * guest packet or message that no correct guest sends: a corrupt ring,
 * a packet type or size no guest uses, a section, GPA range, RNDIS offset
 * or completion id out of bounds, an NVSP or RNDIS control message that is
 * malformed or out of place (the counters listed in quarantine.c).  Frames
 * with impossible offload or VLAN info, or over the MTU, are not: a guest
 * misconfigured at the IP level sends those.
 *
 * Quarantined, the channel is left alone: rx_burst returns at once, the
 * control poll only watches for the guest closing the channel, and
 * tx_burst drops what it is given (tx_not_ready).  The guest closing (and
 * reopening) the channel lifts it; so does vs_netvsp_release.  A ring the
 * guest corrupted stays stopped until the guest reopens the channel.
 * Control thread, all of them.
 */
struct vs_netvsp_violations {
	uint64_t total;  /* since the channel was created */
	uint64_t fresh;  /* since the previous call */
	bool fatal;      /* one of them stopped the channel (a corrupt ring) */
	char last[160];  /* the latest fresh one, described; "" if none */
};
void vs_netvsp_violation_poll(struct vs_netvsp *ch, struct vs_netvsp_violations *out);
void vs_netvsp_quarantine(struct vs_netvsp *ch, const char *reason);
void vs_netvsp_release(struct vs_netvsp *ch);
/* True if quarantined; the reason is copied to reason (may be NULL). */
bool vs_netvsp_quarantined(const struct vs_netvsp *ch, char *reason, size_t len);

/* Queue q (0: ch itself) of a primary channel, whether or not the guest
 * opened it; NULL when q ≥ max_queues.  Any thread. */
struct vs_netvsp *vs_netvsp_queue(struct vs_netvsp *ch, uint16_t q);
uint16_t vs_netvsp_max_queues(const struct vs_netvsp *ch);

/* Worker: up to n frames the guest sent, allocated from mp.  On a
 * subchannel's object: what the guest sent on it. */
uint16_t vs_netvsp_rx_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n,
			    struct rte_mempool *mp);
/* Worker: copies frames to the guest; see above for the return value. */
uint16_t vs_netvsp_tx_burst(struct vs_netvsp *ch, struct rte_mbuf **pkts, uint16_t n);

#endif
