/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel: the §6 shared-memory file, open/close and rescind, the
 * control thread's poll loop (NVSP and RNDIS control messages and their
 * replies), link indications, publication of state to the workers, and
 * counters (summed over the queues).  The subchannel queues themselves
 * are queues.c's.  Thread model and field ownership: netvsp_priv.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_thash.h>

#include "netvsp_priv.h"

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

static const char *const counter_names[] = {
#define X_NAME(name, ctx) #name,
	VS_NETVSP_COUNTERS(X_NAME)
#undef X_NAME
};

const char *
vs_netvsp_counter_name(enum vs_netvsp_counter c)
{
	return (unsigned)c < VS_NETVSP_N_COUNTERS ? counter_names[c] : "?";
}

void
vs_netvsp_counters(const struct vs_netvsp *ch, uint64_t *out)
{
	for (unsigned i = 0; i < VS_NETVSP_N_COUNTERS; i++)
		out[i] = vs_netvsp_counter(ch, (enum vs_netvsp_counter)i);
}

uint64_t
vs_netvsp_counter(const struct vs_netvsp *ch, enum vs_netvsp_counter c)
{
	uint64_t v = 0;

	if (ch->qid != 0)
		return __atomic_load_n(&ch->cnt[c], __ATOMIC_RELAXED);
	for (uint16_t q = 0; q < ch->max_q; q++)
		v += __atomic_load_n(&ch->q[q]->cnt[c], __ATOMIC_RELAXED);
	return v;
}

/* ---- publication to the workers: a seqlock with one writer (C) ---- */

void
vs_chan_publish(struct vs_netvsp *ch)
{
	struct vs_ctl *c = &ch->c;
	uint32_t s = ch->pub_seq;

	__atomic_store_n(&ch->pub_seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	ch->pub.open = c->guest_state == VS_GUEST_OPEN && !ch->rescinded;
	ch->pub.lost = ch->lost;
	ch->pub.nvsp_version = c->nvsp_version;
	ch->pub.ndis_major = c->ndis_major;
	ch->pub.ndis_minor = c->ndis_minor;
	ch->pub.guest_mtu = c->guest_mtu;
	ch->pub.rxbuf = c->rxbuf;
	ch->pub.rxbuf_gen = c->rxbuf_gen;
	ch->pub.rxbuf_id = c->rxbuf_id;
	ch->pub.rx_off = c->rx_off;
	ch->pub.sub_size = c->sub_size;
	ch->pub.num_sub = c->num_sub;
	ch->pub.txbuf = c->txbuf;
	ch->pub.tx_off = c->tx_off;
	ch->pub.num_sec = c->num_sec;
	ch->pub.rndis_up = c->rndis_up;
	ch->pub.link_up = c->oid.link_up;
	ch->pub.filter = c->oid.filter;
	memcpy(ch->pub.mac, c->oid.mac, 6);
	ch->pub.n_mc = c->oid.n_mc;
	memcpy(ch->pub.mc, c->oid.mc, sizeof(ch->pub.mc));
	ch->pub.rsc4 = c->oid.rsc_cap && c->oid.rsc4_on;
	ch->pub.rsc6 = c->oid.rsc_cap && c->oid.rsc6_on;
	ch->pub.n_queues = (uint16_t)(1 + c->n_sub);
	ch->pub.sub_open = c->sub_open;
	ch->pub.rss_on = c->oid.rss_on;
	ch->pub.rss_types = c->oid.rss_hash & NDIS_HASH_TYPES;
	ch->pub.rss_n = c->oid.rss_n;
	if (c->oid.rss_on) {
		uint32_t key[NDIS_RSS_KEY_LEN / 4];

		memcpy(key, c->oid.rss_key, sizeof(key));
		rte_convert_rss_key(key, ch->pub.rss_key_be, NDIS_RSS_KEY_LEN);
		memcpy(ch->pub.rss_tbl, c->oid.rss_tbl, sizeof(ch->pub.rss_tbl));
	}
	{
		union vs_pub_shared u = {.p = ch->pub};

		for (size_t i = 0; i < VS_PUB_WORDS; i++)
			__atomic_store_n(&ch->pubw.w[i], u.w[i], __ATOMIC_RELAXED);
	}
	__atomic_store_n(&ch->pub_seq, s + 2, __ATOMIC_RELEASE);
}

void
vs_pub_refresh(struct vs_netvsp *ch, uint32_t *seq, struct vs_pub *out)
{
	union vs_pub_shared u;
	uint32_t s1, s2;

	if (__atomic_load_n(&ch->pub_seq, __ATOMIC_ACQUIRE) == *seq)
		return;
	do {
		s1 = __atomic_load_n(&ch->pub_seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			rte_pause();
			continue;
		}
		for (size_t i = 0; i < VS_PUB_WORDS; i++)
			u.w[i] = __atomic_load_n(&ch->pubw.w[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&ch->pub_seq, __ATOMIC_RELAXED);
	} while ((s1 & 1) || s1 != s2);
	memcpy(out, &u.p, sizeof(*out));
	*seq = s1;
}

/* ---- id queues (SPSC) ---- */

bool
vs_idxq_push(struct vs_idxq *q, uint32_t id)
{
	uint32_t t = q->tail, h = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);

	if (t - h >= VS_MAX_SUBS)
		return false;
	q->slot[t % VS_MAX_SUBS] = id;
	__atomic_store_n(&q->tail, t + 1, __ATOMIC_RELEASE);
	return true;
}

bool
vs_idxq_pop(struct vs_idxq *q, uint32_t *id)
{
	uint32_t h = q->head;

	if (h == __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE))
		return false;
	*id = q->slot[h % VS_MAX_SUBS];
	__atomic_store_n(&q->head, h + 1, __ATOMIC_RELEASE);
	return true;
}

/* ---- writing to the guest ---- */

void
vs_chan_signal(struct vs_netvsp *ch, enum vs_netvsp_counter c)
{
	uint64_t one = 1;

	__atomic_store_n(&ch->cnt[c], ch->cnt[c] + 1, __ATOMIC_RELAXED);
	if (ch->signal_fd >= 0 && write(ch->signal_fd, &one, sizeof(one)) < 0)
		return; /* an eventfd at its limit is already signalled */
}

int
vs_chan_send(struct vs_netvsp *ch, uint16_t type, uint16_t flags, uint64_t tid, const void *ext,
	     uint32_t ext_len, const void *payload, uint32_t plen, enum vs_netvsp_counter sig_counter)
{
	bool sig;
	int rc = vs_ring_send(&ch->out, type, flags, tid, ext, ext_len, payload, plen, &sig);

	if (rc == 0 && sig)
		vs_chan_signal(ch, sig_counter);
	return rc;
}

int
vs_chan_post(struct vs_netvsp *ch, uint16_t type, uint16_t flags, uint64_t tid, const void *ext,
	     uint32_t ext_len, const void *payload, uint32_t plen)
{
	struct vs_out_item *it;

	if (ch->outq_tail - LOAD_ACQ(&ch->outq_head) >= VS_OUTQ_LEN || ext_len > sizeof(it->ext) ||
	    plen > sizeof(it->pl))
		return -ENOBUFS;
	it = &ch->outq[ch->outq_tail % VS_OUTQ_LEN];
	it->type = type;
	it->flags = flags;
	it->tid = tid;
	it->ext_len = (uint16_t)ext_len;
	it->plen = (uint16_t)plen;
	if (ext_len)
		memcpy(it->ext, ext, ext_len);
	memcpy(it->pl, payload, plen);
	__atomic_store_n(&ch->outq_tail, ch->outq_tail + 1, __ATOMIC_RELEASE);
	return 0;
}

void
vs_chan_flush_replies(struct vs_netvsp *ch)
{
	uint32_t head = ch->outq_head, tail = LOAD_ACQ(&ch->outq_tail);

	for (; head != tail; head++) {
		const struct vs_out_item *it = &ch->outq[head % VS_OUTQ_LEN];

		if (vs_chan_send(ch, it->type, it->flags, it->tid, it->ext_len ? it->ext : NULL,
				 it->ext_len, it->pl, it->plen, VS_NETVSP_C_ctl_signals) != 0)
			break; /* ring full: the rest waits, in order */
	}
	__atomic_store_n(&ch->outq_head, head, __ATOMIC_RELEASE);
}

/* ---- create / destroy ---- */

int
vs_netvsp_create(const char *dir, const char *name, const struct vs_netvsp_params *p,
		 struct vs_netvsp **out, char *err, size_t errlen)
{
	uint32_t ring = p->ring_size ? p->ring_size : 256 * 1024;
	uint64_t arena = p->arena_size ? p->arena_size : 64ull << 20;
	uint32_t mtu = p->mtu ? p->mtu : 1500;
	uint16_t nq = p->max_queues ? p->max_queues : 1;
	struct vs_netvsp *ch;
	struct vs_chan_hdr *h;
	uint64_t arena_off = VS_PAGE + 2ull * ring * nq;
	int n;

	*out = NULL;
	if (ring % VS_PAGE != 0 || ring < 4 * VS_PAGE || ring > (16u << 20)) {
		snprintf(err, errlen, "ring_size: %u is not a multiple of 4096 in [16 KiB, 16 MiB]",
			 ring);
		return -EINVAL;
	}
	if (arena % VS_PAGE != 0 || arena < (1u << 20) || arena > (1ull << 40)) {
		snprintf(err, errlen, "arena_size: %llu is not a multiple of 4096 in [1 MiB, 1 TiB]",
			 (unsigned long long)arena);
		return -EINVAL;
	}
	if (mtu < 68 || mtu > 9000) {
		snprintf(err, errlen, "mtu: %u is outside 68-9000", mtu);
		return -EINVAL;
	}
	if (nq > VS_NETVSP_MAX_QUEUES) {
		snprintf(err, errlen, "max_queues: %u is outside 1-%u", nq, VS_NETVSP_MAX_QUEUES);
		return -EINVAL;
	}
	ch = vs_queues_make(nq);
	if (ch == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n = snprintf(ch->path, sizeof(ch->path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(ch->path) || strchr(name, '/') != NULL || !name[0]) {
		snprintf(err, errlen, "name: '%s' is not a valid file name", name);
		vs_queues_free(ch);
		return -EINVAL;
	}
	ch->fd = open(ch->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
	if (ch->fd < 0 && errno == EEXIST) {
		/* Left by a host that died (vswitchd killed): ours now. */
		n = vs_chan_take_over(ch->path);
		if (n != 0) {
			snprintf(err, errlen, "%s: %s", ch->path,
				 n == -EBUSY    ? "in use by another running host"
				 : n == -EEXIST ? "exists and is not a channel file"
						: strerror(-n));
			vs_queues_free(ch);
			return n;
		}
		ch->fd = open(ch->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0660);
	}
	if (ch->fd < 0 || (n = vs_chan_host_lock(ch->fd)) != 0) {
		n = ch->fd < 0 ? -errno : n;
		snprintf(err, errlen, "%s: %s", ch->path, strerror(-n));
		if (ch->fd >= 0) {
			close(ch->fd);
			unlink(ch->path);
		}
		vs_queues_free(ch);
		return n;
	}
	ch->map_len = arena_off + arena;
	if (ftruncate(ch->fd, (off_t)ch->map_len) != 0 ||
	    (ch->map = mmap(NULL, ch->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, ch->fd, 0)) ==
		    MAP_FAILED) {
		n = -errno;
		snprintf(err, errlen, "%s: %s", ch->path, strerror(-n));
		close(ch->fd);
		unlink(ch->path);
		vs_queues_free(ch);
		return n;
	}
	ch->signal_fd = -1;
	ch->arena = ch->map + arena_off;
	ch->arena_size = arena;
	ch->l2_mtu = mtu + 14;
	vs_ring_attach(&ch->in, ch->map + VS_PAGE, ring);
	vs_ring_attach(&ch->out, ch->map + VS_PAGE + ring, ring);
	/* A poll-mode host never wants signals for guest→host packets (ref
	 * §1.6). */
	vs_ring_set_mask(&ch->in, 1);
	vs_queues_attach(ch, ring);

	ch->c.oid.l3_mtu = mtu;
	ch->c.oid.max_queues = nq;
	ch->c.oid.n_queues = 1;
	ch->c.oid.link_speed = p->link_speed ? p->link_speed : 10000000000ull;
	ch->c.oid.link_up = !p->link_down;
	memcpy(ch->c.oid.mac, p->mac, 6);
	memcpy(ch->c.oid.perm_mac, p->mac, 6);

	h = (struct vs_chan_hdr *)ch->map;
	ch->hdr = h;
	memcpy(h->magic, VS_CHAN_MAGIC, 8);
	h->layout = VS_CHAN_LAYOUT;
	h->g2h_ring_size = ring;
	h->h2g_ring_size = ring;
	h->mtu = mtu;
	h->arena_off = arena_off;
	h->arena_size = arena;
	memcpy(h->mac, p->mac, 6);
	if (getrandom(h->instance, sizeof(h->instance), 0) != (ssize_t)sizeof(h->instance))
		memset(h->instance, 0x5a, sizeof(h->instance));
	h->subchannels = nq - 1u;
	vs_chan_publish(ch);
	/* Offered last: a guest that sees it sees a complete header. */
	__atomic_store_n(&h->host_state, VS_HOST_OFFERED, __ATOMIC_RELEASE);
	*out = ch;
	return 0;
}

const char *
vs_netvsp_path(const struct vs_netvsp *ch)
{
	return ch->path;
}

void
vs_netvsp_set_signal_fd(struct vs_netvsp *ch, int efd)
{
	ch->signal_fd = efd;
}

void
vs_chan_free_stash(struct vs_netvsp *ch)
{
	for (uint32_t i = 0; i < ch->rx.n_stash; i++)
		rte_pktmbuf_free(ch->rx.stash[ch->rx.stash_head + i]);
	ch->rx.n_stash = ch->rx.stash_head = 0;
}

void
vs_netvsp_destroy(struct vs_netvsp *ch)
{
	if (ch == NULL)
		return;
	for (uint16_t q = 0; q < ch->max_q; q++)
		vs_chan_free_stash(ch->q[q]);
	munmap(ch->map, ch->map_len);
	close(ch->fd);
	unlink(ch->path);
	vs_queues_free(ch);
}

void
vs_netvsp_rescind(struct vs_netvsp *ch)
{
	ch->rescinded = true;
	__atomic_store_n(&ch->hdr->host_state, VS_HOST_RESCINDED, __ATOMIC_RELEASE);
	vs_chan_publish(ch);
}

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

void
vs_netvsp_get_info(const struct vs_netvsp *ch, struct vs_netvsp_info *info)
{
	struct vs_pub p;
	uint32_t seq = UINT32_MAX;

	vs_pub_refresh(ch->prim, &seq, &p);
	memset(info, 0, sizeof(*info));
	info->open = p.open;
	info->lost = p.lost;
	info->rescinded = ch->rescinded;
	info->nvsp_version = p.nvsp_version;
	info->ndis_major = p.ndis_major;
	info->ndis_minor = p.ndis_minor;
	info->guest_mtu = p.guest_mtu;
	info->frame_max = vs_frame_max(ch->l2_mtu, p.guest_mtu);
	info->sub_size = p.rxbuf ? p.sub_size : 0;
	info->num_sub = p.rxbuf ? p.num_sub : 0;
	info->send_sections = p.txbuf ? p.num_sec : 0;
	info->rndis_up = p.rndis_up;
	info->packet_filter = p.filter;
	info->link_up = p.link_up;
	memcpy(info->mac, p.mac, 6);
	info->rsc_ipv4 = p.open && p.rsc4;
	info->rsc_ipv6 = p.open && p.rsc6;
	info->queues = p.n_queues;
	info->sub_open = p.sub_open;
	info->rss_on = p.rss_on;
}
