/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's poll (C): session resets when the guest opens or
 * closes the channel, the NVSP and RNDIS control messages the ring reader
 * queued and their replies, and link indications.  Apart from channel.c
 * because only C runs this; the workers never do (thread model:
 * netvsp_priv.h).
 */
#include <errno.h>
#include <string.h>

#include <rte_pause.h>

#include "netvsp_priv.h"

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

/* ---- guest open and close ---- */

/* The guest opened or closed the channel: start a fresh protocol session.
 * Holding the token keeps R and T off the rings meanwhile (each holds it
 * for one burst at most). */
static void
session_reset(struct vs_netvsp *ch, uint32_t guest_state, uint32_t session)
{
	struct vs_ctl *c = &ch->c;
	struct vs_oid_state oid = c->oid;
	uint32_t gen = c->rxbuf_gen;

	while (!vs_token_try(ch))
		rte_pause();
	vs_ring_resync(&ch->in);
	vs_ring_resync(&ch->out);
	vs_ring_set_mask(&ch->in, 1);
	ch->rx.n_pend = 0;
	vs_chan_free_stash(ch);
	ch->ctlq_head = ch->ctlq_tail = 0;
	ch->outq_head = ch->outq_tail = ch->outq_seen = 0;
	ch->outq_waiting = false;
	__atomic_store_n(&ch->dead, 0, __ATOMIC_RELAXED);
	vs_netvsp_release(ch); /* a new session owes nothing for the last one */
	/* Subchannels go with the session; the guest asks again. */
	__atomic_store_n(&ch->hdr->sub_offered, 0, __ATOMIC_RELEASE);
	memset(c, 0, sizeof(*c));
	c->guest_state = guest_state;
	c->session = session;
	c->rxbuf_gen = gen + 1;
	/* The device keeps its identity and link; the guest's settings go. */
	memcpy(c->oid.mac, oid.perm_mac, 6);
	memcpy(c->oid.perm_mac, oid.perm_mac, 6);
	c->oid.l3_mtu = oid.l3_mtu;
	c->oid.link_speed = oid.link_speed;
	c->oid.link_up = oid.link_up;
	c->oid.max_queues = oid.max_queues;
	c->oid.n_queues = 1;
	vs_chan_publish(ch);
	vs_token_put(ch);
}

/* ---- control items ---- */

/* Control sections (ids 0..VS_CTL_SUBS-1) are C's; reset them when the
 * receive buffer changed, and take back the ones the guest completed. */
static void
ctl_sections(struct vs_netvsp *ch)
{
	struct vs_ctl *c = &ch->c;
	uint32_t id;

	if (c->ctl_gen != c->rxbuf_gen) {
		c->ctl_gen = c->rxbuf_gen;
		c->n_ctl_free = 0;
		for (id = VS_CTL_SUBS; id-- > 0;) {
			__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
			c->ctl_free[c->n_ctl_free++] = id;
		}
	}
	while (vs_idxq_pop(&ch->ret_ctl, &id)) {
		uint8_t done = SUB_DONE;

		if (id < VS_CTL_SUBS && __atomic_compare_exchange_n(&ch->sub_state[id], &done,
								    SUB_FREE, false, __ATOMIC_ACQUIRE,
								    __ATOMIC_RELAXED))
			c->ctl_free[c->n_ctl_free++] = id;
	}
}

/* Queues one RNDIS message to the guest in a control section (ref §5.3,
 * channel type 1). */
static int
send_rndis_ctl(struct vs_netvsp *ch, const uint8_t *msg, uint32_t len)
{
	struct vs_ctl *c = &ch->c;
	struct nvsp_rndis_pkt pkt = {NVSP_RNDIS_PKT, 1, NVSP_NO_SECTION, 0};
	uint8_t nv[NVSP_MSG_V61] = {0};
	uint8_t ext[16];
	struct vmbus_xfer_range r;
	uint16_t set = c->rxbuf_id;
	uint32_t id, zero = 0;
	int rc;

	if (c->n_ctl_free == 0 || len > c->sub_size)
		return -ENOBUFS;
	id = c->ctl_free[--c->n_ctl_free];
	memcpy(ch->arena + c->rx_off + (uint64_t)id * c->sub_size, msg, len);
	r.byte_count = len;
	r.byte_offset = id * c->sub_size;
	memcpy(ext, &set, 2);
	memcpy(ext + 2, &zero, 2); /* sender_owns_set, reserved */
	memcpy(ext + 4, &(uint32_t){1}, 4);
	memcpy(ext + 8, &r, 8);
	memcpy(nv, &pkt, sizeof(pkt));
	__atomic_store_n(&ch->sub_state[id], SUB_HEAD, __ATOMIC_RELEASE);
	rc = vs_chan_post(ch, VMBUS_PKT_XFER_PAGES, VMBUS_FLAG_RC, id, ext, sizeof(ext), nv,
			  vs_nvsp_wire_len(c->nvsp_version, NVSP_RNDIS_PKT));
	if (rc != 0) {
		__atomic_store_n(&ch->sub_state[id], SUB_FREE, __ATOMIC_RELAXED);
		c->ctl_free[c->n_ctl_free++] = id;
	}
	return rc;
}

static const enum vs_netvsp_counter rr_counter[] = {
	[RR_OK] = VS_NETVSP_C_rndis_ctl,
	[RR_BAD_MSG] = VS_NETVSP_C_rndis_bad_msg,
	[RR_BAD_TYPE] = VS_NETVSP_C_rndis_bad_type,
	[RR_BAD_STATE] = VS_NETVSP_C_rndis_bad_state,
	[RR_OID_UNSUPPORTED] = VS_NETVSP_C_oid_unsupported,
	[RR_OID_BAD_INPUT] = VS_NETVSP_C_oid_bad_input,
};

static bool
outq_has_room(const struct vs_netvsp *ch)
{
	return ch->outq_tail - LOAD_ACQ(&ch->outq_head) < VS_OUTQ_LEN;
}

/* Handles one queued item; false if it must wait (reply queue full or no
 * control section), in which case nothing was changed. */
static bool
handle_item(struct vs_netvsp *ch, const struct vs_ctl_item *it)
{
	struct vs_ctl *c = &ch->c;
	uint32_t n;
	bool was_up = c->rndis_up;
	enum vs_rndis_result res;

	if (!outq_has_room(ch) || (it->kind == ITEM_RNDIS && c->n_ctl_free == 0)) {
		CNT_INC(ch, ctl_deferred);
		return false;
	}
	if (it->kind == ITEM_NVSP) {
		n = vs_nvsp_handle(ch, it->buf, it->len, it->flags & VMBUS_FLAG_RC, c->reply);
		/* Queued before the state it announces is published. */
		if (n > 0)
			vs_chan_post(ch, VMBUS_PKT_COMP, 0, it->tid, NULL, 0, c->reply, n);
		vs_chan_publish(ch);
		return true;
	}
	res = vs_rndis_control(&c->oid, &c->rndis_up, it->buf, it->len, c->reply,
			       sizeof(c->reply), &n);
	__atomic_store_n(&ch->cnt[rr_counter[res]], ch->cnt[rr_counter[res]] + 1,
			 __ATOMIC_RELAXED);
	if (n > 0 && !c->rxbuf)
		CNT_INC(ch, ctl_no_rxbuf);
	else if (n > 0)
		send_rndis_ctl(ch, c->reply, n);
	if (c->rndis_up && !was_up)
		c->link_told_up = c->oid.link_up; /* the guest queries it next */
	if (c->oid.filter != 0)
		c->filter_ever = true;
	vs_chan_publish(ch);
	return true;
}

static void
link_indication(struct vs_netvsp *ch)
{
	struct vs_ctl *c = &ch->c;
	uint8_t msg[32];
	uint32_t n;

	if (!c->link_dirty)
		return;
	if (!c->rndis_up || !c->rxbuf || c->link_told_up == c->oid.link_up) {
		c->link_dirty = false;
		return;
	}
	n = vs_rndis_indicate(c->oid.link_up ? RNDIS_MEDIA_CONNECT : RNDIS_MEDIA_DISCONNECT, msg);
	if (send_rndis_ctl(ch, msg, n) == 0) {
		c->link_told_up = c->oid.link_up;
		c->link_dirty = false;
		CNT_INC(ch, status_indications);
	}
}

void
vs_netvsp_set_link(struct vs_netvsp *ch, bool up)
{
	ch->c.oid.link_up = up;
	ch->c.link_dirty = true;
	vs_chan_publish(ch);
}

/* The data path writes C's replies as it runs.  Before it runs, or when
 * they sat unsent through a whole poll (its worker stopped, or the ring is
 * full), C writes them itself: the token keeps the worker out meanwhile,
 * costing it at most one burst. */
static void
flush_own_replies(struct vs_netvsp *ch)
{
	uint32_t head = LOAD_ACQ(&ch->outq_head);
	bool stuck = ch->outq_waiting && head == ch->outq_seen;

	if (head != ch->outq_tail && (!LOAD_ACQ(&ch->rx_active) || stuck) && vs_token_try(ch)) {
		vs_chan_flush_replies(ch);
		vs_token_put(ch);
	}
	ch->outq_seen = LOAD_ACQ(&ch->outq_head);
	ch->outq_waiting = ch->outq_seen != ch->outq_tail;
}

int
vs_netvsp_ctl_poll(struct vs_netvsp *ch)
{
	uint32_t session, gs = vs_chan_guest_state(ch, &session), tail;
	int done = 0;

	/* A new session value with the state still OPEN: a guest reopened
	 * over one that died before we noticed. */
	if (gs != ch->c.guest_state || (gs == VS_GUEST_OPEN && session != ch->c.session)) {
		if (gs == VS_GUEST_OPEN)
			ch->lost = false;
		session_reset(ch, gs, gs == VS_GUEST_OPEN ? session : 0);
		if (gs == VS_GUEST_OPEN) {
			/* The guest locks before it opens: seen now or never. */
			ch->c.locked = vs_chan_guest_locked(ch->fd);
			CNT_INC(ch, open);
		} else if (!ch->lost) {
			CNT_INC(ch, close);
		}
	}
	if (!ch->pub.open || __atomic_load_n(&ch->quarantined, __ATOMIC_RELAXED))
		return 0;
	vs_sub_poll(ch);
	ctl_sections(ch);
	/* Before the data path runs, C reads the guest→host ring itself. */
	if (!LOAD_ACQ(&ch->rx_active) && vs_token_try(ch)) {
		vs_netvsp_consume(ch, NULL, 0, NULL);
		vs_token_put(ch);
	}
	tail = LOAD_ACQ(&ch->ctlq_tail);
	while (ch->ctlq_head != tail) {
		if (!handle_item(ch, &ch->ctlq[ch->ctlq_head % VS_CTLQ_LEN]))
			break;
		__atomic_store_n(&ch->ctlq_head, ch->ctlq_head + 1, __ATOMIC_RELEASE);
		done++;
		ctl_sections(ch);
	}
	link_indication(ch);
	flush_own_replies(ch);
	return LOAD_ACQ(&ch->dead) ? -EPIPE : done;
}
