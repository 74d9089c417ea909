/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmq — where receive queues live: the queues a port hands out to VMs, the
 * worker that polls each (port, queue), and the load that decides it.
 *
 * Queues
 *   An uplink has a fixed number of receive queues.  Queue 0 is the
 *   default queue (RSS or the only one) and is never handed out; the rest
 *   go to VMs, one each, with vs_vmq_queue_alloc and come back with
 *   vs_vmq_queue_release.  Software VMQ uses the same allocator for its
 *   per-VM rings, so the limit and the bookkeeping are one.
 *
 * Placement
 *   Every (port, queue) is polled by exactly one worker.  A queue pinned to
 *   a worker stays there.  Any other queue added to the datapath goes to
 *   the worker with the least load (vs_vmq_place_one); existing queues move
 *   only when asked (vs_vmq_rebalance), never on their own, so a VM's
 *   frames do not change cores under it.  Load is packets per second over
 *   the last seconds (struct vs_vmq_rate); among equals the worker with
 *   fewer queues wins, then the lower index, so placement is deterministic
 *   and a datapath with no traffic yet spreads queues round robin.
 *
 *   Rebalancing is a longest-processing-time-first assignment: the unpinned
 *   queues, heaviest first, each to the worker with the least load so far
 *   (pinned queues counted first where they are); within 4/3 of the best
 *   split (Graham's bound).  An item whose worker does not change is not
 *   counted as moved, so a caller republishes only what moved.
 *
 * Hardware steering (flow.c)
 *   Hardware VMQ asks the NIC to put a VM's frames in the VM's queue: one
 *   rte_flow rule per VM, destination MAC (and the VM's VLAN, when it has
 *   one) to a queue.  vs_vmq_flow_rule builds it; the datapath validates
 *   it on the uplink and falls back to software VMQ when the PMD cannot.
 *
 * Thread safety
 *   None: these are pure functions over the caller's arrays, called by the
 *   control thread.  Nothing here runs per packet.
 *
 * Errors
 *   Functions returning int return 0 (or a queue index) or a negative errno.
 */
#ifndef VS_VMQ_H
#define VS_VMQ_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_flow.h>

/* Queues one port hands out, the default queue included. */
#define VS_VMQ_MAX_QUEUES 64u
/* Workers a placement spreads over. */
#define VS_VMQ_MAX_WORKERS 16u
/* Samples a rate remembers: the load is the rate over this many seconds. */
#define VS_VMQ_RATE_SAMPLES 5u

/* The queues of one port: bit q of used set = queue q is handed out. */
struct vs_vmq_queues {
	uint16_t n;     /* queues the port has, default queue included */
	uint64_t used;  /* bit 0 (the default queue) always set once initialised */
	uint16_t owner[VS_VMQ_MAX_QUEUES]; /* who holds each (caller's ids) */
};

/* n: queues of the port, 1..VS_VMQ_MAX_QUEUES; -EINVAL otherwise. */
int vs_vmq_queues_init(struct vs_vmq_queues *q, uint16_t n);
/* The lowest free queue, now owned by owner; -ENOSPC when every queue is
 * handed out.  An owner that holds a queue already gets that one again. */
int vs_vmq_queue_alloc(struct vs_vmq_queues *q, uint16_t owner);
/* Gives queue back; -EINVAL for queue 0 or a queue out of range, -ENOENT
 * when it was free. */
int vs_vmq_queue_release(struct vs_vmq_queues *q, uint16_t queue);
/* The queue owner holds, or -ENOENT. */
int vs_vmq_queue_of(const struct vs_vmq_queues *q, uint16_t owner);
/* Queues free to hand out. */
unsigned int vs_vmq_queues_free(const struct vs_vmq_queues *q);

/* One polled (port, queue) as placement sees it. */
#define VS_VMQ_UNPINNED (-1)
struct vs_vmq_item {
	uint16_t port, queue; /* the caller's; placement only carries them */
	int16_t pinned;       /* worker index, or VS_VMQ_UNPINNED */
	uint16_t worker;      /* in: where it is now; out: where it goes */
	uint64_t pps;         /* its load */
};

/*
 * The worker a new queue goes to, given the items already placed: its
 * pinned worker if any (pinned in [0, n_workers)), else the least loaded.
 * Returns -EINVAL when n_workers is 0 or above VS_VMQ_MAX_WORKERS.
 */
int vs_vmq_place_one(const struct vs_vmq_item *items, unsigned int n_items,
		     unsigned int n_workers, int pinned);
/*
 * Places every item again: pinned items on their worker, the others by
 * load as described above.  Writes items[].worker; returns how many items
 * changed worker, or -EINVAL (n_workers 0 or too large, or a pin out of
 * range).
 */
int vs_vmq_rebalance(struct vs_vmq_item *items, unsigned int n_items, unsigned int n_workers);

/*
 * A packet rate over the last seconds, from a counter that only grows:
 * feed it (counter, time) about once a second; it answers packets per
 * second between the oldest and the newest sample it holds.
 */
struct vs_vmq_rate {
	uint8_t n, next;
	uint64_t count[VS_VMQ_RATE_SAMPLES];
	uint64_t t_ns[VS_VMQ_RATE_SAMPLES];
};

void vs_vmq_rate_reset(struct vs_vmq_rate *r);
/* A sample; one older than the newest is ignored.  A counter that went
 * back (cleared) starts the window again. */
void vs_vmq_rate_sample(struct vs_vmq_rate *r, uint64_t count, uint64_t now_ns);
/* Packets per second over the window; 0 with fewer than two samples. */
uint64_t vs_vmq_rate_pps(const struct vs_vmq_rate *r);

/*
 * An rte_flow rule steering one VM's frames to an uplink queue: ingress,
 * pattern ETH (destination = mac, exactly; source and type unmatched),
 * then VLAN (VID = vlan, priority and DEI unmatched) when vlan is not 0,
 * END; actions QUEUE (queue), END.  The items and actions point into the
 * struct itself: build it where it stays, do not copy it.
 */
struct vs_vmq_flow_rule {
	struct rte_flow_attr attr;
	struct rte_flow_item pattern[3];
	struct rte_flow_action actions[2];
	struct rte_flow_item_eth eth, eth_mask;
	struct rte_flow_item_vlan vlan, vlan_mask;
	struct rte_flow_action_queue queue;
};

/* -EINVAL for a group MAC (VMQ steers a unicast address), VLAN above 4094,
 * or queue 0 (the default queue is never a VM's). */
int vs_vmq_flow_rule(struct vs_vmq_flow_rule *r, const uint8_t mac[6], uint16_t vlan,
		     uint16_t queue);

#endif
