/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel: the §6 shared-memory file, create/destroy and rescind,
 * publication of state to the workers, writing to the guest, and counters
 * (summed over the queues).  The control thread's poll loop is
 * chan_ctl.c's; the subchannel queues themselves are queues.c's.  Thread
 * model and field ownership: netvsp_priv.h.
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
