/* SPDX-License-Identifier: BSD-3-Clause */
/* Frame builder and independent checker of the offload tests (see
 * test_frames.h).  Nothing here calls DPDK's checksum or parsing code. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>

#include "test_frames.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

uint32_t
tf_sum(const uint8_t *p, size_t n, uint32_t acc)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
		acc = (acc & 0xffff) + (acc >> 16);
	}
	if (n & 1) {
		acc += (uint32_t)p[n - 1] << 8;
		acc = (acc & 0xffff) + (acc >> 16);
	}
	return acc;
}

uint16_t
tf_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

uint32_t
tf_build(const struct tf_spec *s, uint8_t *b)
{
	static const uint8_t dst[6] = {2, 0, 0, 0, 0, 2}, src[6] = {2, 0, 0, 0, 0, 1};
	uint32_t o = 12, ip, l4hdr, ext = 0, i;
	uint8_t nh;

	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	if (s->vlan) {
		put16(b + o, 0x8100);
		put16(b + o + 2, s->vlan);
		o += 4;
	}
	put16(b + o, s->v6 ? 0x86dd : 0x0800);
	o += 2;
	ip = o;
	l4hdr = s->proto == TF_TCP ? 20u + s->tcp_opt_len : s->proto == TF_UDP ? 8u : 0u;
	if (!s->v6) {
		uint32_t ihl = 20u + s->v4_opt_len;

		memset(b + o, 0, ihl);
		b[o] = (uint8_t)(0x40 | ihl / 4);
		put16(b + o + 2, s->zero_iplen ? 0 : (uint16_t)(ihl + l4hdr + s->payload));
		put16(b + o + 4, s->ip_id);
		put16(b + o + 6, s->frag ? 0x2000 : 0x4000);
		b[o + 8] = 64;
		b[o + 9] = s->proto;
		put16(b + o + 10, 0xbeef); /* garbage: the switch computes it */
		put32(b + o + 12, 0x0a000001);
		put32(b + o + 16, 0x0a000002);
		if (s->v4_lsrr) {
			uint8_t lsrr[8] = {0x83, 7, 4, 10, 0, 0, 9, 1 /* NOP */};

			memcpy(b + o + 20, lsrr, 8);
			memset(b + o + 28, 1, s->v4_opt_len - 8u);
		} else if (s->v4_opt_len >= 8) {
			b[o + 20] = 0x44; /* timestamp, room for (len-4)/4 stamps */
			b[o + 21] = s->v4_opt_len;
			b[o + 22] = 5;
		} else if (s->v4_opt_len == 4) {
			memset(b + o + 20, 1, 3);
		}
		o += ihl;
	} else {
		uint32_t n_ext = s->v6_ext + (s->v6_routing_left >= 0) + s->frag;
		uint8_t types[8];
		uint32_t k = 0;

		for (i = 0; i < s->v6_ext; i++)
			types[k++] = i == 0 ? 0 : 60;
		if (s->v6_routing_left >= 0)
			types[k++] = 43;
		if (s->frag)
			types[k++] = 44;
		ext = n_ext * 8;
		memset(b + o, 0, 40);
		b[o] = 0x60;
		put16(b + o + 4, s->zero_iplen ? 0 : (uint16_t)(ext + l4hdr + s->payload));
		b[o + 6] = n_ext ? types[0] : s->proto;
		b[o + 7] = 64;
		b[o + 8] = 0xfd;
		b[o + 23] = 1;
		b[o + 24] = 0xfd;
		b[o + 39] = 2;
		o += 40;
		for (i = 0; i < n_ext; i++) {
			nh = i + 1 < n_ext ? types[i + 1] : s->proto;
			memset(b + o, 0, 8);
			b[o] = nh;
			if (types[i] == 43) {
				b[o + 2] = 253;
				b[o + 3] = (uint8_t)s->v6_routing_left;
			} else if (types[i] == 44) {
				put16(b + o + 2, 0x0001); /* offset 0, more fragments */
				put32(b + o + 4, 0x12345678);
			} else {
				b[o + 2] = 1; /* PadN of 4 */
				b[o + 3] = 4;
			}
			o += 8;
		}
	}
	if (s->proto == TF_TCP) {
		memset(b + o, 0, l4hdr);
		put16(b + o, 40000);
		put16(b + o + 2, 80);
		put32(b + o + 4, s->seq);
		put32(b + o + 8, 1);
		b[o + 12] = (uint8_t)((l4hdr / 4) << 4);
		b[o + 13] = s->tcp_flags ? s->tcp_flags : 0x10;
		put16(b + o + 14, 65535);
		put16(b + o + 16, 0xdead);
		memset(b + o + 20, 1, s->tcp_opt_len);
	} else if (s->proto == TF_UDP) {
		put16(b + o, 40000);
		put16(b + o + 2, 9);
		put16(b + o + 4, (uint16_t)(8 + s->payload));
		put16(b + o + 6, 0xdead);
	}
	o += l4hdr;
	for (i = 0; i < s->payload; i++)
		b[o + i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 3);
	(void)ip;
	return o + s->payload;
}

struct rte_mbuf *
tf_mbuf_bytes(struct rte_mempool *mp, const uint8_t *b, uint32_t len, uint16_t seg_size)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *seg = m;
	uint32_t off = 0;

	if (m == NULL)
		return NULL;
	while (off < len) {
		uint32_t room = rte_pktmbuf_tailroom(seg), n = len - off;
		struct rte_mbuf *next;

		if (seg_size && room > seg_size)
			room = seg_size;
		if (n > room)
			n = room;
		memcpy(rte_pktmbuf_append(seg, (uint16_t)n), b + off, n);
		if (seg != m)
			m->pkt_len += n;
		off += n;
		if (off == len)
			break;
		next = rte_pktmbuf_alloc(mp);
		if (next == NULL || rte_pktmbuf_chain(m, next) != 0) {
			rte_pktmbuf_free(next);
			rte_pktmbuf_free(m);
			return NULL;
		}
		seg = next;
	}
	return m;
}

struct rte_mbuf *
tf_mbuf(struct rte_mempool *mp, const struct tf_spec *s)
{
	uint8_t *b = malloc(s->payload + 512);
	struct rte_mbuf *m;
	uint32_t len;

	if (b == NULL)
		return NULL;
	len = tf_build(s, b);
	m = tf_mbuf_bytes(mp, b, len, s->seg_size);
	free(b);
	return m;
}

uint32_t
tf_flatten(const struct rte_mbuf *m, uint8_t **buf)
{
	uint32_t len = rte_pktmbuf_pkt_len(m), off = 0;
	const struct rte_mbuf *s;

	*buf = malloc(len ? len : 1);
	for (s = m; s != NULL && *buf != NULL; s = s->next) {
		memcpy(*buf + off, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	return off;
}

void
tf_view(const uint8_t *f, uint32_t len, struct tf_view *v)
{
	uint32_t o = 12, l4off, l4len;
	uint8_t ph[40];
	uint32_t phlen, acc;
	uint16_t et;

	memset(v, 0, sizeof(*v));
	if (len < 18)
		return;
	et = get16(f + 12);
	if (et == 0x8100) {
		v->vlan = get16(f + 14);
		o = 16;
		et = get16(f + 16);
	}
	o += 2;
	v->l2 = (uint16_t)o;
	if (et == 0x0800) {
		uint32_t ihl;

		if (len < o + 20)
			return;
		ihl = (f[o] & 0xfu) * 4u;
		v->ip_len = get16(f + o + 2);
		v->ip_id = get16(f + o + 4);
		v->proto = f[o + 9];
		if (ihl < 20 || len < o + ihl || v->ip_len < ihl || o + v->ip_len > len)
			return;
		v->ip_csum_ok = tf_fold(tf_sum(f + o, ihl, 0)) == 0;
		v->l3 = (uint16_t)ihl;
		l4off = o + ihl;
		l4len = v->ip_len - ihl;
		memcpy(ph, f + o + 12, 8);
		ph[8] = 0;
		ph[9] = v->proto;
		put16(ph + 10, (uint16_t)l4len);
		phlen = 12;
	} else if (et == 0x86dd) {
		uint32_t p = o + 40;
		uint8_t nh;

		if (len < o + 40)
			return;
		v->v6 = true;
		v->ip_csum_ok = true;
		v->ip_len = get16(f + o + 4);
		nh = f[o + 6];
		while ((nh == 0 || nh == 43 || nh == 60) && p + 8 <= len) {
			uint8_t next = f[p];

			p += (f[p + 1] + 1u) * 8u;
			nh = next;
		}
		v->proto = nh;
		v->l3 = (uint16_t)(p - o);
		if (o + 40 + v->ip_len > len || p - o - 40 > v->ip_len)
			return;
		l4off = p;
		l4len = v->ip_len - (p - o - 40);
		memcpy(ph, f + o + 8, 32);
		put32(ph + 32, l4len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = nh;
		phlen = 40;
	} else {
		return;
	}
	if (v->proto == TF_TCP && l4len >= 20) {
		v->l4 = (uint16_t)((f[l4off + 12] >> 4) * 4u);
		v->seq = get32(f + l4off + 4);
		v->tcp_flags = f[l4off + 13];
	} else if (v->proto == TF_UDP && l4len >= 8) {
		v->l4 = 8;
	} else {
		return;
	}
	if (v->l4 > l4len)
		return;
	acc = tf_sum(ph, phlen, 0);
	acc = tf_sum(f + l4off, l4len, acc);
	v->l4_csum_ok = tf_fold(acc) == 0 &&
			!(v->proto == TF_UDP && get16(f + l4off + 6) == 0);
	v->payload_off = l4off + v->l4;
	v->payload_len = l4len - v->l4;
	v->ok = true;
}

void
tf_check_segments(const struct tf_spec *s, const uint8_t *want, struct rte_mbuf *const *outs,
		  uint16_t n, uint16_t mss, bool sw_csum)
{
	struct tf_view w, v;
	uint8_t *payload = malloc(s->payload), *got;
	uint32_t off = 0, want_n = (s->payload + mss - 1) / mss, glen;
	uint16_t i;

	tf_view(want, s->payload + 512, &w);
	CU_ASSERT_EQUAL_FATAL(n, want_n);
	for (i = 0; i < n; i++) {
		uint32_t plen = i + 1u < n ? mss : s->payload - (n - 1u) * mss;
		uint8_t fl = s->tcp_flags;

		glen = tf_flatten(outs[i], &got);
		tf_view(got, glen, &v);
		CU_ASSERT_FATAL(v.ok);
		CU_ASSERT_EQUAL(glen, w.payload_off + plen);
		CU_ASSERT_EQUAL(v.payload_off, w.payload_off);
		CU_ASSERT_EQUAL(v.payload_len, plen);
		CU_ASSERT_EQUAL(v.seq, s->seq + i * (uint32_t)mss);
		CU_ASSERT_EQUAL(v.vlan, s->vlan);
		CU_ASSERT_EQUAL(v.ip_len, v.v6 ? glen - w.l2 - 40u : glen - w.l2);
		if (!s->v6)
			CU_ASSERT_EQUAL(v.ip_id, (uint16_t)(s->ip_id + i));
		if (i + 1u < n)
			fl &= (uint8_t)~(TF_FIN | TF_PSH);
		if (i > 0)
			fl &= (uint8_t)~TF_CWR;
		CU_ASSERT_EQUAL(v.tcp_flags, fl);
		if (sw_csum) {
			CU_ASSERT(v.ip_csum_ok);
			CU_ASSERT(v.l4_csum_ok);
		}
		/* Headers are the superframe's but for lengths, ids,
		 * sequence numbers, flags and checksums: addresses, ports,
		 * options and extension headers are carried. */
		CU_ASSERT_EQUAL(memcmp(got, want, w.l2 + (v.v6 ? 4 : 2)), 0);
		CU_ASSERT_EQUAL(memcmp(got + w.l2 + (v.v6 ? 8 : 12), want + w.l2 + (v.v6 ? 8 : 12),
				       w.l3 - (v.v6 ? 8u : 12u)),
				0);
		if (off + plen <= s->payload)
			memcpy(payload + off, got + v.payload_off, plen);
		off += plen;
		free(got);
	}
	CU_ASSERT_EQUAL(off, s->payload);
	CU_ASSERT_EQUAL(memcmp(payload, want + w.payload_off, s->payload), 0);
	free(payload);
}

