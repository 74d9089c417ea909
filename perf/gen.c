/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generated workloads (perf.h, "Workloads"): a capture of Ethernet frames,
 * optionally 802.1Q-tagged, carrying IPv4 or IPv6 and UDP or TCP, written
 * with libpcap.  Everything is a function of the frame number i, so the
 * same configuration always writes the same bytes.
 *
 * Frame i
 *   MACs      source src_mac + (i mod src_macs), destination dst_mac +
 *             (i mod dst_macs), counted as 48-bit numbers (the carry runs
 *             into the OUI: 02:00:00:ff:ff:ff + 1 is 02:00:01:00:00:00).
 *   VLAN      an 802.1Q tag (TPID 0x8100, PCP 0) with vlans[i mod n_vlans]
 *             when n_vlans > 0.
 *   flow      f = i mod flows.  IPv4: 198.18.0.0 + (f mod 2^16) to
 *             198.19.0.0 + (f div 2^16), the RFC 2544 benchmarking block.
 *             IPv6: 2001:2:0:1::(f mod 2^16) to 2001:2:0:2::(f div 2^16),
 *             RFC 5180's block.  Source port 1024 + (f mod 1024),
 *             destination port 1024 + (f div 1024) mod 1024.  Every field
 *             moves, so RSS and flow caches see distinct tuples.
 *   IP        IPv4: DF, ID i mod 2^16, TTL 64, header checksum.  IPv6:
 *             hop limit 64, no extension headers.
 *   L4        UDP, or TCP with ACK|PSH, sequence number i, window 65535;
 *             checksums correct (DPDK's rte_ipv*_udptcp_cksum).
 *   payload   the frame number i as 4 big-endian bytes, then byte k of the
 *             payload holding k mod 256 (not zeros, so a checksum that
 *             skips the payload shows).
 *   time      i microseconds after the first frame, so a capture replayed
 *             by timestamp (tcpreplay, or paced replay) plays 1 Mframe/s.
 *
 * Sizes
 *   size is on the wire including the FCS; the capture holds size - 4
 *   bytes.  The headers and the 4-byte sequence number need 14 (+4 when
 *   tagged) + 20 or 40 + 8 or 20 + 4 bytes; when size - 4 is smaller the
 *   frame grows to the smallest that fits (IPv6/TCP tagged at 64 bytes is
 *   86 on the wire) rather than dropping the sequence number, and
 *   vs_perf_gen_describe says so: "86B (grown from 64B)".
 *
 *   VS_PERF_SIZE_IMIX is the simple IMIX: 64, 594 and 1518 bytes 7:4:1 in
 *   a 12-frame cycle, interleaved so that no burst is all large frames:
 *   position i mod 12 = 6 is 1518; 1, 4, 8 and 11 are 594; the other
 *   seven are 64 (grown like any other size when the headers need it).
 *
 * count 0 writes max(1024, src_macs, dst_macs, n_vlans, flows) frames, so
 * that every address, VLAN and flow appears; with IMIX rounded up to a
 * whole number of 12-frame cycles, so that a looped replay keeps 7:4:1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "perf.h"

#define GEN_SEQ_LEN 4u
#define GEN_IMIX_CYCLE 12u
#define GEN_COUNT_MIN 1024u
#define GEN_MAC_SPACE (1ull << 48)
#define GEN_MAC_GROUP (1ull << 40) /* the I/G bit of the first byte */
/* 198.18.0.0 and 198.19.0.0 (RTE_IPV4 shifts a signed int past its sign). */
#define GEN_IPV4_SRC 0xc6120000u
#define GEN_IPV4_DST 0xc6130000u

static const uint16_t gen_imix[GEN_IMIX_CYCLE] = {
	64, 594, 64, 64, 594, 64, 1518, 64, 594, 64, 64, 594,
};

void
vs_perf_gen_defaults(struct vs_perf_gen_conf *c)
{
	static const uint8_t src[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
	static const uint8_t dst[6] = {0x02, 0x00, 0x01, 0x00, 0x00, 0x01};

	memset(c, 0, sizeof(*c));
	c->size = VS_PERF_SIZE_MIN;
	c->l3 = VS_PERF_L3_IPV4;
	c->l4 = VS_PERF_L4_UDP;
	c->src_macs = 1;
	c->dst_macs = 1;
	memcpy(c->src_mac, src, sizeof(src));
	memcpy(c->dst_mac, dst, sizeof(dst));
	c->flows = 1;
}

static uint64_t
gen_mac_u64(const uint8_t m[6])
{
	uint64_t v = 0;
	unsigned int k;

	for (k = 0; k < 6; k++)
		v = (v << 8) | m[k];
	return v;
}

static void
gen_u64_mac(uint64_t v, uint8_t m[6])
{
	int k;

	for (k = 5; k >= 0; k--) {
		m[k] = (uint8_t)v;
		v >>= 8;
	}
}

/* Headers plus the sequence number, in captured bytes. */
static uint32_t
gen_min_caplen(const struct vs_perf_gen_conf *c)
{
	return (uint32_t)(sizeof(struct rte_ether_hdr) +
			  (c->n_vlans > 0 ? sizeof(struct rte_vlan_hdr) : 0) +
			  (c->l3 == VS_PERF_L3_IPV6 ? sizeof(struct rte_ipv6_hdr)
						    : sizeof(struct rte_ipv4_hdr)) +
			  (c->l4 == VS_PERF_L4_TCP ? sizeof(struct rte_tcp_hdr)
						   : sizeof(struct rte_udp_hdr)) +
			  GEN_SEQ_LEN);
}

/* On-wire size of a frame asked as wire bytes, after growth. */
static uint32_t
gen_grown(const struct vs_perf_gen_conf *c, uint32_t wire)
{
	uint32_t need = gen_min_caplen(c) + VS_PERF_FCS_LEN;

	return wire < need ? need : wire;
}

static uint32_t
gen_caplen(const struct vs_perf_gen_conf *c, uint32_t i)
{
	uint32_t wire = c->size == VS_PERF_SIZE_IMIX ? gen_imix[i % GEN_IMIX_CYCLE] : c->size;

	return gen_grown(c, wire) - VS_PERF_FCS_LEN;
}

static uint32_t
gen_count(const struct vs_perf_gen_conf *c)
{
	uint64_t n = GEN_COUNT_MIN;

	if (c->count != 0)
		return c->count;
	if (c->src_macs > n)
		n = c->src_macs;
	if (c->dst_macs > n)
		n = c->dst_macs;
	if (c->n_vlans > n)
		n = c->n_vlans;
	if (c->flows > n)
		n = c->flows;
	if (c->size == VS_PERF_SIZE_IMIX)
		n = (n + GEN_IMIX_CYCLE - 1) / GEN_IMIX_CYCLE * GEN_IMIX_CYCLE;
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static void
gen_mac_str(uint64_t v, char *out, size_t outlen)
{
	uint8_t m[6];

	gen_u64_mac(v, m);
	snprintf(out, outlen, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
}

/* The n addresses from base must stay inside the 48-bit space and all be
 * unicast.  n < 2^40, so checking both ends suffices for the I/G bit. */
static int
gen_check_macs(const char *field, const uint8_t base[6], uint32_t n, char *err, size_t errlen)
{
	uint64_t first = gen_mac_u64(base), last = first + n - 1;
	char s[24];

	gen_mac_str(first, s, sizeof(s));
	if (first & GEN_MAC_GROUP) {
		snprintf(err, errlen, "%s: %s is a multicast address", field, s);
		return -EINVAL;
	}
	if (last >= GEN_MAC_SPACE || (last & GEN_MAC_GROUP)) {
		snprintf(err, errlen, "%s: %u addresses from %s run into multicast addresses",
			 field, n, s);
		return -EINVAL;
	}
	return 0;
}

static int
gen_check_range(const char *field, uint64_t v, uint64_t lo, uint64_t hi, char *err,
		size_t errlen)
{
	if (v >= lo && v <= hi)
		return 0;
	snprintf(err, errlen, "%s: %llu is outside %llu..%llu", field, (unsigned long long)v,
		 (unsigned long long)lo, (unsigned long long)hi);
	return -EINVAL;
}

static int
gen_validate(const struct vs_perf_gen_conf *c, char *err, size_t errlen)
{
	uint64_t s, d;
	unsigned int k, j;
	char field[24];
	int rc;

	if (c->size != VS_PERF_SIZE_IMIX &&
	    (c->size < VS_PERF_SIZE_MIN || c->size > VS_PERF_SIZE_MAX)) {
		snprintf(err, errlen, "size: %u is outside %u..%u (or %u for IMIX)", c->size,
			 VS_PERF_SIZE_MIN, VS_PERF_SIZE_MAX, VS_PERF_SIZE_IMIX);
		return -EINVAL;
	}
	if (c->l3 != VS_PERF_L3_IPV4 && c->l3 != VS_PERF_L3_IPV6) {
		snprintf(err, errlen, "l3: %d is neither IPv4 nor IPv6", (int)c->l3);
		return -EINVAL;
	}
	if (c->l4 != VS_PERF_L4_UDP && c->l4 != VS_PERF_L4_TCP) {
		snprintf(err, errlen, "l4: %d is neither UDP nor TCP", (int)c->l4);
		return -EINVAL;
	}
	if ((rc = gen_check_range("src_macs", c->src_macs, 1, VS_PERF_MACS_MAX, err, errlen)) ||
	    (rc = gen_check_range("dst_macs", c->dst_macs, 1, VS_PERF_MACS_MAX, err, errlen)) ||
	    (rc = gen_check_range("flows", c->flows, 1, VS_PERF_FLOWS_MAX, err, errlen)) ||
	    (rc = gen_check_range("n_vlans", c->n_vlans, 0, VS_PERF_VLANS_MAX, err, errlen)))
		return rc;
	for (k = 0; k < c->n_vlans; k++) {
		snprintf(field, sizeof(field), "vlans[%u]", k);
		rc = gen_check_range(field, c->vlans[k], 1, RTE_ETHER_MAX_VLAN_ID - 1, err, errlen);
		if (rc)
			return rc;
		for (j = 0; j < k; j++) {
			if (c->vlans[j] == c->vlans[k]) {
				snprintf(err, errlen, "vlans[%u]: %u is already vlans[%u]", k,
					 c->vlans[k], j);
				return -EINVAL;
			}
		}
	}
	if ((rc = gen_check_macs("src_mac", c->src_mac, c->src_macs, err, errlen)) ||
	    (rc = gen_check_macs("dst_mac", c->dst_mac, c->dst_macs, err, errlen)))
		return rc;
	/* A destination that is also a source would be learned on the
	 * replay port and never reach a sink. */
	s = gen_mac_u64(c->src_mac);
	d = gen_mac_u64(c->dst_mac);
	if (s <= d + c->dst_macs - 1 && d <= s + c->src_macs - 1) {
		char a[24];

		gen_mac_str(d, a, sizeof(a));
		snprintf(err, errlen, "dst_mac: %u addresses from %s overlap the source addresses",
			 c->dst_macs, a);
		return -EINVAL;
	}
	return 0;
}

static void
gen_flow_addrs(const struct vs_perf_gen_conf *c, uint32_t f, uint8_t *src, uint8_t *dst)
{
	static const uint8_t pfx6[6] = {0x20, 0x01, 0x00, 0x02, 0x00, 0x00};
	uint32_t s = f & 0xffffu, d = f >> 16;

	if (c->l3 == VS_PERF_L3_IPV4) {
		rte_be32_t a = rte_cpu_to_be_32(GEN_IPV4_SRC + s);
		rte_be32_t b = rte_cpu_to_be_32(GEN_IPV4_DST + d);

		memcpy(src, &a, 4);
		memcpy(dst, &b, 4);
		return;
	}
	memset(src, 0, 16);
	memset(dst, 0, 16);
	memcpy(src, pfx6, sizeof(pfx6));
	memcpy(dst, pfx6, sizeof(pfx6));
	src[7] = 1;
	dst[7] = 2;
	src[14] = (uint8_t)(s >> 8);
	src[15] = (uint8_t)s;
	dst[14] = (uint8_t)(d >> 8);
	dst[15] = (uint8_t)d;
}

/* Frame i, caplen bytes (at least gen_min_caplen), into buf. */
static void
gen_frame(const struct vs_perf_gen_conf *c, uint32_t i, uint8_t *buf, uint32_t caplen)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)buf;
	uint32_t f = i % c->flows, off = sizeof(*eh), l3_off, l4_off, l4_len, k;
	uint16_t sport = (uint16_t)(1024u + (f & 0x3ffu));
	uint16_t dport = (uint16_t)(1024u + ((f >> 10) & 0x3ffu));
	uint16_t ethertype = c->l3 == VS_PERF_L3_IPV4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
	uint8_t proto = c->l4 == VS_PERF_L4_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	rte_be32_t seq = rte_cpu_to_be_32(i);
	uint8_t *payload;
	uint16_t cksum;

	gen_u64_mac(gen_mac_u64(c->dst_mac) + i % c->dst_macs, eh->dst_addr.addr_bytes);
	gen_u64_mac(gen_mac_u64(c->src_mac) + i % c->src_macs, eh->src_addr.addr_bytes);
	if (c->n_vlans > 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(buf + off);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(c->vlans[i % c->n_vlans]);
		vh->eth_proto = rte_cpu_to_be_16(ethertype);
		off += sizeof(*vh);
	} else {
		eh->ether_type = rte_cpu_to_be_16(ethertype);
	}
	l3_off = off;
	l4_off = l3_off + (c->l3 == VS_PERF_L3_IPV4 ? sizeof(struct rte_ipv4_hdr)
						    : sizeof(struct rte_ipv6_hdr));
	l4_len = caplen - l4_off;
	payload = buf + l4_off +
		  (c->l4 == VS_PERF_L4_TCP ? sizeof(struct rte_tcp_hdr) : sizeof(struct rte_udp_hdr));
	memcpy(payload, &seq, sizeof(seq));
	for (k = GEN_SEQ_LEN; payload + k < buf + caplen; k++)
		payload[k] = (uint8_t)k;

	if (c->l4 == VS_PERF_L4_TCP) {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)(buf + l4_off);

		memset(th, 0, sizeof(*th));
		th->src_port = rte_cpu_to_be_16(sport);
		th->dst_port = rte_cpu_to_be_16(dport);
		th->sent_seq = seq;
		th->data_off = (uint8_t)((sizeof(*th) / 4) << 4);
		th->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		th->rx_win = rte_cpu_to_be_16(65535);
	} else {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)(buf + l4_off);

		uh->src_port = rte_cpu_to_be_16(sport);
		uh->dst_port = rte_cpu_to_be_16(dport);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)l4_len);
		uh->dgram_cksum = 0;
	}

	if (c->l3 == VS_PERF_L3_IPV4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + l3_off);

		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(caplen - l3_off));
		ip->packet_id = rte_cpu_to_be_16((uint16_t)i);
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = proto;
		gen_flow_addrs(c, f, (uint8_t *)&ip->src_addr, (uint8_t *)&ip->dst_addr);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		cksum = rte_ipv4_udptcp_cksum(ip, buf + l4_off);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(buf + l3_off);

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
		ip6->proto = proto;
		ip6->hop_limits = 64;
		gen_flow_addrs(c, f, ip6->src_addr, ip6->dst_addr);
		cksum = rte_ipv6_udptcp_cksum(ip6, buf + l4_off);
	}
	if (c->l4 == VS_PERF_L4_TCP)
		((struct rte_tcp_hdr *)(buf + l4_off))->cksum = cksum;
	else
		((struct rte_udp_hdr *)(buf + l4_off))->dgram_cksum = cksum;
}

int
vs_perf_gen_write(const struct vs_perf_gen_conf *c, const char *path, char *err, size_t errlen)
{
	/* Aligned for the 2-byte-aligned Ethernet header. */
	uint8_t buf[VS_PERF_SIZE_MAX] __attribute__((aligned(8)));
	uint32_t n, i;
	pcap_dumper_t *d;
	pcap_t *p;
	int rc;

	rc = gen_validate(c, err, errlen);
	if (rc)
		return rc;
	n = gen_count(c);
	p = pcap_open_dead(DLT_EN10MB, (int)VS_PERF_SIZE_MAX);
	if (p == NULL) {
		snprintf(err, errlen, "%s: pcap_open_dead failed", path);
		return -ENOMEM;
	}
	errno = 0;
	d = pcap_dump_open(p, path);
	if (d == NULL) {
		rc = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(p));
		pcap_close(p);
		return rc;
	}
	for (i = 0; i < n; i++) {
		struct pcap_pkthdr ph;
		uint32_t caplen = gen_caplen(c, i);

		gen_frame(c, i, buf, caplen);
		ph.ts.tv_sec = (time_t)(i / 1000000u);
		ph.ts.tv_usec = (suseconds_t)(i % 1000000u);
		ph.caplen = caplen;
		ph.len = caplen;
		pcap_dump((u_char *)d, &ph, buf);
	}
	if (pcap_dump_flush(d) != 0 || ferror(pcap_dump_file(d))) {
		rc = errno ? -errno : -EIO;
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(-rc));
	}
	pcap_dump_close(d);
	pcap_close(p);
	/* Half a capture would replay as a different workload. */
	if (rc)
		unlink(path);
	return rc;
}

/* 1000 -> "1k", 1000000 -> "1M", else the number. */
static void
gen_count_str(uint32_t v, char *out, size_t outlen)
{
	if (v >= 1000000u && v % 1000000u == 0)
		snprintf(out, outlen, "%uM", v / 1000000u);
	else if (v >= 1000u && v % 1000u == 0)
		snprintf(out, outlen, "%uk", v / 1000u);
	else
		snprintf(out, outlen, "%u", v);
}

/* "VLAN 10", "VLANs 10-13,20": runs of consecutive IDs in the order used. */
static void
gen_vlans_str(const struct vs_perf_gen_conf *c, char *out, size_t outlen)
{
	unsigned int k = 0, n = c->n_vlans < VS_PERF_VLANS_MAX ? c->n_vlans : VS_PERF_VLANS_MAX;
	size_t used;

	if (n == 0) {
		snprintf(out, outlen, "untagged");
		return;
	}
	snprintf(out, outlen, "%s ", n == 1 ? "VLAN" : "VLANs");
	while (k < n) {
		unsigned int j = k;

		while (j + 1 < n && c->vlans[j + 1] == c->vlans[j] + 1)
			j++;
		used = strlen(out);
		if (used >= outlen)
			return;
		if (j == k)
			snprintf(out + used, outlen - used, "%s%u", k ? "," : "", c->vlans[k]);
		else
			snprintf(out + used, outlen - used, "%s%u-%u", k ? "," : "", c->vlans[k],
				 c->vlans[j]);
		k = j + 1;
	}
}

void
vs_perf_gen_describe(const struct vs_perf_gen_conf *c, char *out, size_t outlen)
{
	char size[48], s[16], d[16], fl[16], vl[VS_PERF_VLANS_MAX * 6 + 8];
	uint32_t small = c->size == VS_PERF_SIZE_IMIX ? gen_imix[0] : c->size;
	uint32_t grown = gen_grown(c, small);

	if (c->size == VS_PERF_SIZE_IMIX)
		snprintf(size, sizeof(size), "IMIX %u/%u/%uB", grown, gen_imix[1], gen_imix[6]);
	else
		snprintf(size, sizeof(size), "%uB", grown);
	if (grown != small) {
		size_t used = strlen(size);

		snprintf(size + used, sizeof(size) - used, " (grown from %uB)", small);
	}
	gen_count_str(c->src_macs, s, sizeof(s));
	gen_count_str(c->dst_macs, d, sizeof(d));
	gen_count_str(c->flows, fl, sizeof(fl));
	gen_vlans_str(c, vl, sizeof(vl));
	snprintf(out, outlen, "%s %s/%s %s src %s dst MACs, %s, %s flow%s, %u frames", size,
		 c->l3 == VS_PERF_L3_IPV6 ? "IPv6" : "IPv4", c->l4 == VS_PERF_L4_TCP ? "TCP" : "UDP",
		 s, d, vl, fl, c->flows == 1 ? "" : "s", gen_count(c));
}
