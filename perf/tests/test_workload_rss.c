/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A workload dealt over receive queues as RSS: the hash checked against
 * the published verification vectors of the Toeplitz function (the RSS
 * specification's IPv4 and IPv4/TCP examples), then the split: every
 * frame on the queue its hash names, in the capture's order, sharing the
 * capture's bytes; a queue no flow reaches is refused by name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "perf.h"
#include "test_perf.h"

#define FRAME_LEN 64u

struct vector {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t hash_ip, hash_tcp;
};

/* The RSS specification's IPv4 examples. */
static const struct vector vectors[] = {
	{{66, 9, 149, 187}, {161, 142, 100, 80}, 2794, 1766, 0x323e8fc2, 0x51ccc178},
	{{199, 92, 111, 2}, {65, 69, 140, 83}, 14230, 4739, 0xd718262a, 0xc626b0ea},
	{{24, 19, 198, 95}, {12, 22, 207, 184}, 12898, 38024, 0xd2d0a5de, 0x5c2b394a},
	{{38, 27, 205, 30}, {209, 142, 163, 6}, 48228, 2217, 0x82989176, 0xafc7327f},
	{{153, 39, 163, 191}, {202, 188, 127, 2}, 44251, 1303, 0x5d1809c5, 0x10e828a2},
};

/* Ethernet (tagged when vlan), IPv4 with proto, ports; frag: a later
 * fragment. */
static void
frame(uint8_t *f, const struct vector *v, uint8_t proto, bool vlan, bool frag)
{
	uint32_t o = 12;

	memset(f, 0, FRAME_LEN);
	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	if (vlan) {
		memcpy(f + o, "\x81\x00\x00\x0a", 4);
		o += 4;
	}
	f[o] = 0x08;
	f[o + 1] = 0x00;
	o += 2;
	f[o] = 0x45;
	f[o + 3] = 46;
	if (frag)
		f[o + 7] = 0x10; /* offset 16 */
	f[o + 8] = 64;
	f[o + 9] = proto;
	memcpy(f + o + 12, v->src, 4);
	memcpy(f + o + 16, v->dst, 4);
	f[o + 20] = (uint8_t)(v->sport >> 8);
	f[o + 21] = (uint8_t)v->sport;
	f[o + 22] = (uint8_t)(v->dport >> 8);
	f[o + 23] = (uint8_t)v->dport;
}

static void
test_rss_vectors(void)
{
	uint8_t f[FRAME_LEN];
	uint32_t h;

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		frame(f, &vectors[i], 6, false, false);
		CU_ASSERT(vs_perf_rss_hash(f, FRAME_LEN, &h) && h == vectors[i].hash_tcp);
		frame(f, &vectors[i], 17, true, false); /* UDP, tagged: the same input */
		CU_ASSERT(vs_perf_rss_hash(f, FRAME_LEN, &h) && h == vectors[i].hash_tcp);
		frame(f, &vectors[i], 47, false, false); /* GRE: addresses only */
		CU_ASSERT(vs_perf_rss_hash(f, FRAME_LEN, &h) && h == vectors[i].hash_ip);
		frame(f, &vectors[i], 6, false, true); /* a fragment: addresses only */
		CU_ASSERT(vs_perf_rss_hash(f, FRAME_LEN, &h) && h == vectors[i].hash_ip);
	}
	frame(f, &vectors[0], 6, false, false);
	f[12] = 0x08;
	f[13] = 0x06; /* ARP: nothing to hash */
	CU_ASSERT_FALSE(vs_perf_rss_hash(f, FRAME_LEN, &h));
	CU_ASSERT_FALSE(vs_perf_rss_hash(f, 13, &h));
}

/* n frames: frame i is vector (i % 5) with its source port moved by i / 5,
 * every 7th an ARP frame. */
static void
workload(struct vs_perf_workload *w, uint32_t n)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "rss");
	w->n = n;
	w->data = calloc(n, FRAME_LEN);
	w->off = calloc(n, sizeof(*w->off));
	w->len = calloc(n, sizeof(*w->len));
	w->ts_ns = calloc(n, sizeof(*w->ts_ns));
	CU_ASSERT_FATAL(w->data && w->off && w->len && w->ts_ns);
	for (uint32_t i = 0; i < n; i++) {
		struct vector v = vectors[i % 5];

		v.sport = (uint16_t)(v.sport + i / 5);
		frame(w->data + (size_t)i * FRAME_LEN, &v, 17, false, false);
		if (i % 7 == 6)
			w->data[(size_t)i * FRAME_LEN + 13] = 0x06;
		w->off[i] = (uint64_t)i * FRAME_LEN;
		w->len[i] = FRAME_LEN;
		w->ts_ns[i] = 1000ull * i;
		w->bytes += FRAME_LEN;
	}
	w->duration_ns = w->ts_ns[n - 1];
	w->max_len = FRAME_LEN;
}

static void
test_split(void)
{
	struct vs_perf_workload w, parts[VS_PERF_RXQ_MAX];
	char err[160];

	workload(&w, 1000);
	for (uint16_t n = 1; n <= 4; n++) {
		uint32_t next[VS_PERF_RXQ_MAX] = {0}, total = 0;

		CU_ASSERT_EQUAL_FATAL(vs_perf_workload_split(&w, n, parts, err, sizeof(err)), 0);
		/* Walking the capture, each frame is the next one of its queue. */
		for (uint32_t i = 0; i < w.n; i++) {
			uint32_t h;
			uint16_t q = vs_perf_rss_hash(w.data + w.off[i], w.len[i], &h)
					     ? (uint16_t)((h & 127) % n)
					     : 0;
			const struct vs_perf_workload *p = &parts[q];

			CU_ASSERT_FATAL(next[q] < p->n);
			CU_ASSERT(p->data == w.data && p->off[next[q]] == w.off[i] &&
				  p->len[next[q]] == w.len[i] && p->ts_ns[next[q]] == w.ts_ns[i]);
			next[q]++;
		}
		for (uint16_t q = 0; q < n; q++) {
			CU_ASSERT_EQUAL(next[q], parts[q].n);
			CU_ASSERT(parts[q].n > 0 && parts[q].duration_ns == w.duration_ns &&
				  parts[q].bytes == (uint64_t)parts[q].n * FRAME_LEN);
			total += parts[q].n;
		}
		CU_ASSERT_EQUAL(total, w.n);
		vs_perf_workload_parts_free(parts, n);
	}
	/* One flow cannot feed two queues. */
	w.n = 1;
	CU_ASSERT_EQUAL(vs_perf_workload_split(&w, 2, parts, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "receive queue 1 of 2 gets no frame"));
	CU_ASSERT_EQUAL(vs_perf_workload_split(&w, VS_PERF_RXQ_MAX + 1, parts, err, sizeof(err)),
			-EINVAL);
	w.n = 1000;
	vs_perf_workload_free(&w);
}

CU_ErrorCode
vs_perf_test_workload_rss_suites(void)
{
	CU_pSuite s = CU_add_suite("perf workload over receive queues (RSS)", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "the RSS specification's hashes", test_rss_vectors) ||
	    !CU_add_test(s, "split: each flow on its queue, in order", test_split))
		return CU_get_error();
	return CUE_SUCCESS;
}
