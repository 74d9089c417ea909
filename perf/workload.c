/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Workloads in memory (perf.h, "Workloads"): a capture read once with
 * libpcap (pcap or pcapng, nanosecond timestamps), its frames back to
 * back, and the stations a sink must announce.
 *
 * Timestamps are taken relative to the first frame.  A frame stamped
 * earlier than the one before it (merged or re-ordered captures) gets its
 * predecessor's time: paced replay then never has to go back in time.
 *
 * Stations are keyed by (VLAN, MAC); the VLAN is the VID of an outer
 * 802.1Q or 802.1ad tag, 0 when untagged (or priority-tagged).  Frames
 * shorter than an Ethernet header are replayed but name no station.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>

#include "perf.h"

/* Enough for the largest generated workload: 2^20 sources and as many
 * destinations. */
#define WL_STATIONS_MAX (2u * VS_PERF_MACS_MAX)
#define WL_MIN_FRAME 60u /* the minimum frame without FCS */

#define WL_SEEN_SRC 1u
#define WL_SEEN_DST 2u

struct wl_key {
	uint16_t vlan;
	uint8_t mac[6];
};

void
vs_perf_workload_free(struct vs_perf_workload *w)
{
	free(w->data);
	free(w->off);
	free(w->len);
	free(w->ts_ns);
	free(w->dsts);
	memset(w, 0, sizeof(*w));
}

uint64_t
vs_perf_workload_wire_bits(const struct vs_perf_workload *w)
{
	uint64_t bits = 0;
	uint32_t i;

	for (i = 0; i < w->n; i++) {
		uint64_t l = w->len[i] < WL_MIN_FRAME ? WL_MIN_FRAME : w->len[i];

		bits += (l + VS_PERF_FCS_LEN + VS_PERF_WIRE_OVERHEAD) * 8u;
	}
	return bits;
}

/* Room for one more frame record; doubles the arrays. */
static int
wl_grow_index(struct vs_perf_workload *w, uint32_t *cap)
{
	uint32_t ncap;
	void *p;

	if (w->n < *cap)
		return 0;
	if (*cap >= UINT32_MAX / 2)
		return -EOVERFLOW;
	ncap = *cap ? *cap * 2 : 1024;
	if ((p = realloc(w->off, sizeof(*w->off) * ncap)) == NULL)
		return -ENOMEM;
	w->off = p;
	if ((p = realloc(w->len, sizeof(*w->len) * ncap)) == NULL)
		return -ENOMEM;
	w->len = p;
	if ((p = realloc(w->ts_ns, sizeof(*w->ts_ns) * ncap)) == NULL)
		return -ENOMEM;
	w->ts_ns = p;
	*cap = ncap;
	return 0;
}

/* Room for len more bytes of frame data. */
static int
wl_grow_data(struct vs_perf_workload *w, uint64_t *cap, uint32_t len)
{
	uint64_t ncap = *cap ? *cap : 65536;
	void *p;

	/* Allocated even for zero-length frames: data + off stays valid. */
	if (w->data != NULL && w->bytes <= *cap && len <= *cap - w->bytes)
		return 0;
	while (w->bytes > ncap || len > ncap - w->bytes) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if ((p = realloc(w->data, ncap)) == NULL)
		return -ENOMEM;
	w->data = p;
	*cap = ncap;
	return 0;
}

static int
wl_read_frames(pcap_t *p, const char *path, struct vs_perf_workload *w, char *err,
	       size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	uint64_t first = 0, prev = 0, data_cap = 0;
	uint32_t idx_cap = 0;
	int rc;

	while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
		uint64_t t = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;

		if (w->n == UINT32_MAX) {
			snprintf(err, errlen, "%s: more than %u frames", path, UINT32_MAX - 1);
			return -EOVERFLOW;
		}
		if (wl_grow_index(w, &idx_cap) || wl_grow_data(w, &data_cap, h->caplen)) {
			snprintf(err, errlen, "%s: out of memory at frame %u", path, w->n + 1);
			return -ENOMEM;
		}
		if (w->n == 0)
			first = t;
		t = t < first ? 0 : t - first;
		if (t < prev)
			t = prev;
		prev = t;
		w->off[w->n] = w->bytes;
		w->len[w->n] = h->caplen;
		w->ts_ns[w->n] = t;
		memcpy(w->data + w->bytes, bytes, h->caplen);
		w->bytes += h->caplen;
		if (h->caplen > w->max_len)
			w->max_len = h->caplen;
		if (h->caplen < h->len)
			w->truncated++;
		w->n++;
	}
	if (rc == -1) {
		snprintf(err, errlen, "%s: frame %u: %s", path, w->n + 1, pcap_geterr(p));
		return -EIO;
	}
	if (w->n == 0) {
		snprintf(err, errlen, "%s: the capture holds no frames", path);
		return -EINVAL;
	}
	w->duration_ns = w->ts_ns[w->n - 1];
	return 0;
}

/* The outer tag's VID, 0 when untagged; false for frames too short to
 * name a station. */
static bool
wl_frame_vlan(const uint8_t *f, uint32_t len, uint16_t *vlan)
{
	uint16_t type;

	if (len < sizeof(struct rte_ether_hdr))
		return false;
	type = (uint16_t)(f[12] << 8 | f[13]);
	*vlan = 0;
	if ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) &&
	    len >= sizeof(struct rte_ether_hdr) + sizeof(struct rte_vlan_hdr))
		*vlan = (uint16_t)((f[14] << 8 | f[15]) & 0xfffu);
	return true;
}

static int
wl_hash_create(uint32_t entries, struct rte_hash **out, uint8_t **seen)
{
	static uint32_t seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		/* rte_hash refuses tables smaller than one bucket's worth. */
		.entries = entries < 64 ? 64 : entries,
		.key_len = sizeof(struct wl_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		/* Buckets that overflow into a list: every one of the entries
		 * fits, whatever the key distribution. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	/* rte_hash names are global to the process. */
	snprintf(name, sizeof(name), "vsperf_wl%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	*out = rte_hash_create(&hp);
	if (*out == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	*seen = calloc((size_t)rte_hash_max_key_id(*out) + 1, 1);
	if (*seen == NULL) {
		rte_hash_free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* n_srcs and dsts: destinations are collected as candidates in order of
 * first use and kept at the end when never seen as a source, since a
 * source seen later still makes them the replay side's. */
static int
wl_stations(const char *path, struct vs_perf_workload *w, char *err, size_t errlen)
{
	uint64_t entries = 2ull * w->n;
	struct vs_perf_station *cand = NULL;
	uint32_t *cand_pos = NULL, n_cand = 0, cap = 0, i, k;
	struct rte_hash *h = NULL;
	uint8_t *seen = NULL;
	int rc;

	rc = wl_hash_create(entries > WL_STATIONS_MAX ? WL_STATIONS_MAX : (uint32_t)entries, &h,
			    &seen);
	if (rc) {
		snprintf(err, errlen, "%s: cannot create the station table: %s", path,
			 strerror(-rc));
		return rc;
	}
	for (i = 0; i < w->n; i++) {
		const uint8_t *f = w->data + w->off[i];
		struct wl_key ks, kd;
		int32_t pos;

		memset(&ks, 0, sizeof(ks));
		if (!wl_frame_vlan(f, w->len[i], &ks.vlan))
			continue;
		kd = ks;
		memcpy(kd.mac, f, 6);
		memcpy(ks.mac, f + 6, 6);
		pos = rte_hash_add_key(h, &ks);
		if (pos < 0)
			goto full;
		if (!(seen[pos] & WL_SEEN_SRC)) {
			seen[pos] |= WL_SEEN_SRC;
			w->n_srcs++;
		}
		if (kd.mac[0] & 1u) /* group address: nobody to announce */
			continue;
		pos = rte_hash_add_key(h, &kd);
		if (pos < 0)
			goto full;
		if (seen[pos] & WL_SEEN_DST)
			continue;
		seen[pos] |= WL_SEEN_DST;
		if (n_cand == cap) {
			uint32_t ncap = cap ? cap * 2 : 256;
			void *p;

			if ((p = realloc(cand, sizeof(*cand) * ncap)) == NULL)
				goto nomem;
			cand = p;
			if ((p = realloc(cand_pos, sizeof(*cand_pos) * ncap)) == NULL)
				goto nomem;
			cand_pos = p;
			cap = ncap;
		}
		cand[n_cand].vlan = kd.vlan;
		memcpy(cand[n_cand].mac, kd.mac, 6);
		cand_pos[n_cand++] = (uint32_t)pos;
	}
	for (i = 0, k = 0; i < n_cand; i++)
		if (!(seen[cand_pos[i]] & WL_SEEN_SRC))
			cand[k++] = cand[i];
	w->n_dsts = k;
	w->dsts = cand;
	cand = NULL;
	rc = 0;
	goto out;
full:
	snprintf(err, errlen, "%s: more than %u distinct (VLAN, MAC) stations", path,
		 WL_STATIONS_MAX);
	rc = -ENOSPC;
	goto out;
nomem:
	snprintf(err, errlen, "%s: out of memory for the station list", path);
	rc = -ENOMEM;
out:
	free(cand);
	free(cand_pos);
	free(seen);
	rte_hash_free(h);
	return rc;
}

int
vs_perf_workload_load(const char *path, struct vs_perf_workload *w, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	const char *base = strrchr(path, '/');
	struct stat st;
	pcap_t *p;
	int rc, dlt;

	memset(w, 0, sizeof(*w));
	if (stat(path, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	ebuf[0] = '\0';
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "%s: not a pcap or pcapng capture: %s", path, ebuf);
		return -EINVAL;
	}
	dlt = pcap_datalink(p);
	if (dlt != DLT_EN10MB) {
		const char *dn = pcap_datalink_val_to_name(dlt);

		snprintf(err, errlen, "%s: link type %d (%s) is not Ethernet (EN10MB)", path, dlt,
			 dn ? dn : "unknown");
		pcap_close(p);
		return -EINVAL;
	}
	/* The workload is named by the file, not by where it lies. */
	snprintf(w->name, sizeof(w->name), "%s", base ? base + 1 : path);
	rc = wl_read_frames(p, path, w, err, errlen);
	pcap_close(p);
	if (rc == 0)
		rc = wl_stations(path, w, err, errlen);
	if (rc)
		vs_perf_workload_free(w);
	return rc;
}
