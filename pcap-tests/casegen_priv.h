/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vs-casegen internals: one parsed line of case.spec and the frame
 * templates that turn it into bytes.
 */
#ifndef VS_GOLDEN_GEN_PRIV_H
#define VS_GOLDEN_GEN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_GOLDEN_GEN_MAX_TAGS 4
#define VS_GOLDEN_GEN_MAX_OUT 64
#define VS_GOLDEN_GEN_MAX_LEN 65535u
#define VS_GOLDEN_GEN_MAX_EXT 4 /* IPv6 extension headers of one frame */
#define VS_GOLDEN_GEN_MAX_REC 8 /* IGMPv3 group records of one report */

enum vs_golden_gen_kind {
	VS_GOLDEN_GEN_ARP,      /* ARP request (broadcast dst) or reply */
	VS_GOLDEN_GEN_IPV4_UDP, /* IPv4 + UDP, valid checksums */
	VS_GOLDEN_GEN_IPV6_UDP, /* IPv6 + UDP, valid checksum */
	VS_GOLDEN_GEN_LLC,      /* 802.3 length + LLC header */
	VS_GOLDEN_GEN_RAW,      /* EtherType + pattern; may be shorter than 14 */
	VS_GOLDEN_GEN_DHCP4_SERVER,  /* IPv4 UDP 67 -> 68, BOOTP reply (DHCPOFFER) */
	VS_GOLDEN_GEN_DHCP4_CLIENT,  /* IPv4 UDP 68 -> 67, BOOTP request (DHCPDISCOVER) */
	VS_GOLDEN_GEN_DHCP6_SERVER,  /* IPv6 UDP 547 -> 546, ADVERTISE */
	VS_GOLDEN_GEN_DHCP6_CLIENT,  /* IPv6 UDP 546 -> 547, SOLICIT */
	VS_GOLDEN_GEN_ICMP4_ECHO,    /* ICMP echo request (8) */
	VS_GOLDEN_GEN_ICMP4_REDIRECT, /* ICMP redirect (5), host */
	VS_GOLDEN_GEN_ICMP6_ECHO,    /* ICMPv6 echo request (128) */
	VS_GOLDEN_GEN_ICMP6_RS,      /* router solicitation (133) */
	VS_GOLDEN_GEN_ICMP6_RA,      /* router advertisement (134) */
	VS_GOLDEN_GEN_ICMP6_NS,      /* neighbor solicitation (135) */
	VS_GOLDEN_GEN_ICMP6_NA,      /* neighbor advertisement (136) */
	VS_GOLDEN_GEN_ICMP6_REDIRECT, /* redirect (137) */
	/* casegen_nlb.c */
	VS_GOLDEN_GEN_NLB_HEARTBEAT, /* EtherType 0x886F, NLB's membership heartbeat */
	VS_GOLDEN_GEN_IGMP1_REPORT,  /* IGMPv1 membership report (0x12) */
	VS_GOLDEN_GEN_IGMP2_REPORT,  /* IGMPv2 membership report (0x16) */
	VS_GOLDEN_GEN_IGMP2_LEAVE,   /* IGMPv2 leave group (0x17) */
	VS_GOLDEN_GEN_IGMP_QUERY,    /* membership query (0x11), v1/v2 form: 8 bytes */
	VS_GOLDEN_GEN_IGMP3_QUERY,   /* membership query (0x11), v3 form: 12 bytes */
	VS_GOLDEN_GEN_IGMP3_REPORT,  /* IGMPv3 membership report (0x22) */
	/* casegen_tcp.c */
	VS_GOLDEN_GEN_IPV4_TCP,      /* IPv4 + TCP with timestamps, valid checksums */
	VS_GOLDEN_GEN_IPV6_TCP,      /* IPv6 + TCP with timestamps, valid checksum */
};

struct vs_golden_gen_tag {
	uint16_t tpid; /* 0x8100 or 0x88a8 */
	uint16_t tci;
};

/* How a frame with offload requests (lso=, csum=) leaves a port. */
enum vs_golden_gen_ol_mode {
	VS_GOLDEN_GEN_OL_NONE, /* the line asks for nothing */
	VS_GOLDEN_GEN_OL_SW,   /* ":sw": the work done, as segments or checksums */
	VS_GOLDEN_GEN_OL_HW,   /* ":hw": the frame whole, its requests in the mbuf */
};

/* One port a frame leaves by, and the tag list it leaves with. */
struct vs_golden_gen_out {
	char port[32];
	int n_tags; /* -1: the frame's own tags, unchanged */
	struct vs_golden_gen_tag tags[VS_GOLDEN_GEN_MAX_TAGS];
	enum vs_golden_gen_ol_mode ol;
};

/* One group record of an IGMPv3 report (RFC 3376 §4.2.4). */
struct vs_golden_gen_rec {
	uint8_t type;   /* 1 MODE_IS_INCLUDE .. 6 BLOCK_OLD_SOURCES */
	uint16_t nsrc;  /* sources 10.0.0.1 .. 10.0.0.nsrc */
	uint32_t group; /* 0: the line's group= */
};

struct vs_golden_gen_line {
	unsigned int lineno;
	uint64_t ts_ns;
	char in[32];
	uint8_t dst[6], src[6];
	enum vs_golden_gen_kind kind;
	uint16_t ethertype;  /* raw */
	int lenfield;        /* llc: -1 = the true payload length */
	uint32_t len;        /* frame length, without FCS */
	uint32_t trunc;      /* captured bytes; 0 = whole frame */
	int32_t frag;        /* IP fragment offset in bytes; -1 = not a fragment */
	int32_t sport, dport; /* ipv4-udp, ipv6-udp: UDP ports; -1 = 40000, 9 */
	unsigned int n_ext;  /* IPv6 extension headers, by next-header value */
	uint8_t ext[VS_GOLDEN_GEN_MAX_EXT];
	unsigned int n_tags;
	struct vs_golden_gen_tag tags[VS_GOLDEN_GEN_MAX_TAGS];
	/* NLB heartbeats and IGMP (casegen_nlb.c); addresses host order */
	uint32_t cluster_ip;  /* nlb-heartbeat: cluster=; 0 = not given */
	uint32_t group;       /* igmp: group=; 0 = not given */
	int32_t host;         /* nlb-heartbeat: host=; -1 = 1 */
	int32_t mrt;          /* igmp queries: mrt=, the max response code; -1 = 100 */
	int32_t qrv, qqic;    /* igmp3-query: qrv=, qqic=; -1 = 2, 125 */
	bool bad_csum;        /* igmp: csum=bad */
	/* Offload requests a guest sends with the frame (casegen_offload.c) */
	uint32_t lso_mss;     /* lso=: an LSOv2 superframe with this MSS; 0 = none */
	uint8_t csum_proto;   /* csum=tcp|udp: a checksum request; 0 = none */
	unsigned int n_rec;   /* igmp3-report: rec= */
	struct vs_golden_gen_rec rec[VS_GOLDEN_GEN_MAX_REC];
	unsigned int repeat;
	unsigned int n_out; /* 0 = dropped */
	struct vs_golden_gen_out out[VS_GOLDEN_GEN_MAX_OUT];
};

/* The frame kind named s ("arp", "icmp6-ra", ...; not raw:): 0, or -1. */
int vs_golden_gen_kind_parse(const char *s, enum vs_golden_gen_kind *k);
/* The IP version of a kind's frames: 4, 6, or 0 for a frame that is not IP. */
int vs_golden_gen_kind_ip(enum vs_golden_gen_kind k);
/* Smallest len the template of line l accepts, with its tags and IPv6
 * extension headers. */
uint32_t vs_golden_gen_min_len(const struct vs_golden_gen_line *l);
/* Builds the frame of line l into buf (l->len bytes); serial makes every
 * generated frame's payload unique so a reordering shows in a diff. */
void vs_golden_gen_build(const struct vs_golden_gen_line *l, uint32_t serial, uint8_t *buf);
/* The frame buf of line l (len bytes, tags included) as output o sends it:
 * the frame's tag list replaced by o's, the rest unchanged, into obuf.
 * Returns the new length; the caller checked that the tags lie in the
 * frame and that the result fits VS_GOLDEN_GEN_MAX_LEN. */
uint32_t vs_golden_gen_retag(const struct vs_golden_gen_line *l, const struct vs_golden_gen_out *o,
			     const uint8_t *buf, uint32_t len, uint8_t *obuf);

/* casegen_nlb.c: NLB heartbeats and IGMP messages. */
/* The kind named s among them: 0, or -1. */
int vs_golden_gen_nlb_kind_parse(const char *s, enum vs_golden_gen_kind *k);
bool vs_golden_gen_nlb_kind(enum vs_golden_gen_kind k);
/* Option t if it is one of theirs: 0 taken, -EINVAL malformed, 1 not theirs. */
int vs_golden_gen_nlb_option(const char *t, struct vs_golden_gen_line *l);
/* NULL if l's NLB and IGMP options suit its kind, else why not. */
const char *vs_golden_gen_nlb_check(const struct vs_golden_gen_line *l);
/* Smallest payload after the Ethernet header and tags. */
uint32_t vs_golden_gen_nlb_min_payload(const struct vs_golden_gen_line *l);
uint16_t vs_golden_gen_nlb_ethertype(enum vs_golden_gen_kind k);
/* The payload of l's frame into p (pay bytes, zero). */
void vs_golden_gen_nlb_build(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t pay,
			     uint32_t serial);

/* casegen_tcp.c: TCP frames (the data of large sends). */
int vs_golden_gen_tcp_kind_parse(const char *s, enum vs_golden_gen_kind *k);
bool vs_golden_gen_tcp_kind(enum vs_golden_gen_kind k);
/* Smallest payload after the Ethernet header and tags. */
uint32_t vs_golden_gen_tcp_min_payload(const struct vs_golden_gen_line *l);
/* The IP packet of l's frame into p (pay bytes, zero). */
void vs_golden_gen_tcp_build(const struct vs_golden_gen_line *l, uint8_t *p, uint32_t pay,
			     uint32_t serial);
/* RFC 1071 over n bytes, folded, not complemented, added to sum (a
 * second implementation: none of DPDK's or offload/'s code). */
uint16_t vs_golden_gen_sum(const uint8_t *p, uint32_t n, uint32_t sum);
/* The folded pseudo-header sum of an IPv4 (v6 false) or IPv6 header at
 * ip with that L4 protocol and length. */
uint16_t vs_golden_gen_phdr_sum(const uint8_t *ip, bool v6, uint8_t proto, uint32_t l4_len);
/* Writes the L4 checksum of the IP packet at ip (IPv4 20-byte header or
 * IPv6 without extension headers, its lengths right); and the IPv4
 * header's. */
void vs_golden_gen_fix_cksums(uint8_t *ip, bool v6);

/* casegen_offload.c: options lso= and csum=, and what such a frame
 * becomes.  Option t if it is one of theirs: 0, -EINVAL, 1 not theirs. */
int vs_golden_gen_ol_option(const char *t, struct vs_golden_gen_line *l);
/* NULL if l's offload options suit its kind, else why not. */
const char *vs_golden_gen_ol_check(const struct vs_golden_gen_line *l);

/* casegen_frames.c helpers the other templates share. */
void vs_golden_gen_ipv4_addr(const uint8_t *mac, uint8_t *a);
void vs_golden_gen_ipv6_addr(const uint8_t *mac, uint8_t *a);
void vs_golden_gen_pattern(uint8_t *p, uint32_t n, uint32_t serial);

/* casegen_spec.c: a case folder's state while its spec is read and its
 * captures written. */
#include <cjson/cJSON.h>

/* Case time 0 is this Unix time, so tcpdump shows plausible dates. */
#define VS_GOLDEN_GEN_EPOCH_S 1700000000ull
#define VS_GOLDEN_GEN_MAX_MACS 64

struct vs_golden_gen {
	const char *dir;
	char err[512];
	struct {
		char name[32];
		uint8_t mac[6];
	} macs[VS_GOLDEN_GEN_MAX_MACS];
	unsigned int n_macs;
	struct vs_golden_gen_line *lines;
	size_t n_lines, cap_lines;
	cJSON *counters;
	cJSON *topology;
	cJSON *ppi;     /* in/ppi.json: the guests' per-packet info, by port */
	cJSON *offload; /* expect/offload.json: mbuf metadata, by port */
};

/* Whole file, NUL-terminated; the caller frees. */
char *vs_golden_gen_slurp(const char *path, char *err, size_t errlen);
/* Reads <dir>/case.spec into g (lines, macs, counters); 0 or -1 with
 * g->err set. */
int vs_golden_gen_read(struct vs_golden_gen *g);

/* casegen_offload.c: writing a line that carries offload requests.  The
 * guest's form of the frame buf (len bytes, as built) into gbuf, as
 * hv_netvsc hands it over; and its ppi.json entry (frame: 1-based in the
 * port's capture). */
void vs_golden_gen_ol_guest_form(const struct vs_golden_gen_line *l, const uint8_t *buf,
				 uint8_t *gbuf);
cJSON *vs_golden_gen_ol_ppi(const struct vs_golden_gen_line *l, size_t frame);
struct vs_golden_flist;
/* The frames output o gets from buf (as built) appended to fl, stamped
 * ts; for ":hw" its metadata appended to meta (an array).  0 or -ENOMEM. */
int vs_golden_gen_ol_out(const struct vs_golden_gen_line *l, const struct vs_golden_gen_out *o,
			 const uint8_t *buf, uint64_t ts, struct vs_golden_flist *fl, cJSON *meta);
/* The type of a port in the topology ("ring", "netvsc"), or "". */
const char *vs_golden_gen_port_kind(const struct vs_golden_gen *g, const char *port);

#endif
