/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to pcap-tests: frame lists and pcap I/O (shared by the runner and
 * vs-casegen, so both write captures the same way), and the session that
 * drives one datapath for the runner.
 */
#ifndef VS_GOLDEN_PRIV_H
#define VS_GOLDEN_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vswitch.h"

/* Error messages are one line and may be cut short; formatting them
 * through here says so once instead of at every call. */
static inline void __attribute__((format(printf, 3, 4)))
vs_golden_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Snap length of the captures we write: above any frame we replay
 * (bigtcp-ipv4.pcap holds an 80 KB frame). */
#define VS_GOLDEN_SNAPLEN 262144u

/* What a netvsc guest asks for with one of its frames (in/ppi.json,
 * golden_offload.c): sent as hv_netvsc sends it, in LSOv2 or checksum
 * per-packet info.  Zeroed: nothing. */
struct vs_golden_ppi {
	uint32_t lso_mss; /* an LSO superframe with this MSS; 0: none */
	uint8_t csum;     /* a checksum request for TCP (6) or UDP (17); 0: none */
	bool ipv6;
	uint16_t l4_off;  /* the L4 header's offset in the captured frame */
};

struct vs_golden_frame {
	uint64_t ts_ns;
	uint32_t len;      /* captured bytes held in data */
	uint32_t wire_len; /* original length; == len unless truncated */
	uint8_t *data;
	struct vs_golden_ppi ppi; /* input frames of netvsc ports only */
};

/* The transmit metadata of an mbuf a ring port was handed (its offload
 * requests: ol_flags' TX bits, header lengths, MSS), kept beside its bytes
 * so that a case can check what a device would have been asked to do. */
struct vs_golden_txmeta {
	uint64_t ol_flags;
	uint16_t tso_segsz;
	uint16_t l2_len, l3_len, l4_len;
};

struct vs_golden_flist {
	struct vs_golden_frame *v;
	size_t n, cap;
};

int vs_golden_flist_add(struct vs_golden_flist *l, uint64_t ts_ns, const uint8_t *data,
			uint32_t len, uint32_t wire_len);
void vs_golden_flist_free(struct vs_golden_flist *l);

/* Reads a pcap or pcapng capture of link type Ethernet; timestamps in ns. */
int vs_golden_pcap_read(const char *path, struct vs_golden_flist *l, char *err, size_t errlen);
/* Writes a microsecond pcap through a temporary file and a rename, so an
 * interrupted update never leaves half a capture behind. */
int vs_golden_pcap_write(const char *path, const struct vs_golden_flist *l, char *err,
			 size_t errlen);
/* Removes every *.pcap / *.pcapng in dir (missing dir is fine). */
int vs_golden_remove_pcaps(const char *dir);
/* Port name of "<port>.pcap" / "<port>.pcapng", or false for other files. */
bool vs_golden_pcap_port(const char *file, char *port, size_t size);

/*
 * The guest of a netvsc port (golden_netvsc.c): the simulated hv_netvsc
 * NIC behind it, configured by the port's "guest" object in topology.json
 * (removed before the document reaches the control protocol).
 */
enum vs_golden_tx_path { VS_GOLDEN_TX_AUTO, VS_GOLDEN_TX_SECTION, VS_GOLDEN_TX_GPA };

struct vs_golden_guest_conf {
	char port[VS_NAME_MAX];
	uint32_t filter;   /* NDIS packet filter set after bring-up */
	uint32_t mtu;      /* the guest's MTU; 0: the port's */
	enum vs_golden_tx_path tx;
	bool vlan_ppi;     /* an input frame's outer 802.1Q tag goes as per-packet info */
	bool rsc;          /* RSC enabled (as Linux with LRO on): superframes arrive whole */
	uint32_t n_mc;
	uint8_t mc[32][6]; /* multicast list */
};

struct vs_golden_guest;

/* A datapath driven by the runner from the calling thread. */
struct vs_golden_port {
	unsigned int idx; /* datapath port index */
	char name[VS_NAME_MAX];
	struct vs_golden_flist out; /* frames the port transmitted (a guest: received) */
	struct vs_golden_guest *guest; /* netvsc ports; NULL for ring ports */
	struct vs_golden_txmeta *meta; /* ring ports: one per frame of out */
	size_t n_meta, cap_meta;
};

struct vs_golden_session {
	struct vs_dp *dp;
	uint64_t now_ns;    /* what the injected clock returns */
	bool keep_output;   /* false: drained frames are only counted */
	unsigned long transmitted;
	unsigned int n_ports;
	struct vs_golden_port ports[VS_MAX_PORTS]; /* sorted by name */
	char chan_dir[64];  /* netvsc channel files; "" when there are none */
	unsigned int n_guest_confs;
	struct vs_golden_guest_conf *guest_confs;
};

/* Creates the datapath from a configuration document (workers forced to 0)
 * and lists its ports; netvsc ports get a guest brought up.  s must be
 * zeroed. */
int vs_golden_session_open(struct vs_golden_session *s, const char *json, char *err,
			   size_t errlen);
void vs_golden_session_close(struct vs_golden_session *s);
/* Slot in s->ports of a port name, or -1. */
int vs_golden_session_port(const struct vs_golden_session *s, const char *name);
/* One injection: clock = ts, age, enqueue n frames on the port in slot,
 * poll until idle, drain every transmit ring. */
int vs_golden_inject(struct vs_golden_session *s, unsigned int slot, uint64_t ts_ns,
		     const struct vs_golden_frame *const *frames, unsigned int n, char *err,
		     size_t errlen);

/* golden_netvsc.c */
/* Takes the "guest" objects out of the ports of doc (a topology) into
 * s->guest_confs, and checks that every netvsc port names its MAC. */
struct cJSON;
int vs_golden_guest_confs(struct vs_golden_session *s, struct cJSON *doc, char *err,
			  size_t errlen);
/* Opens the channel of the netvsc port in slot and brings its guest up. */
int vs_golden_guest_open(struct vs_golden_session *s, unsigned int slot, char *err,
			 size_t errlen);
void vs_golden_guest_close(struct vs_golden_port *p);
/* Sends n frames as the guest of the port in slot (not waiting for the
 * host). */
int vs_golden_guest_send(struct vs_golden_session *s, unsigned int slot,
			 const struct vs_golden_frame *const *frames, unsigned int n, char *err,
			 size_t errlen);
/* Runs every guest's side once: reads the host→guest ring and moves what
 * it received to the port's output.  Returns ring packets read, or a
 * negative errno. */
int vs_golden_guests_poll(struct vs_golden_session *s, char *err, size_t errlen);
/* Guest transmissions still waiting for their completion. */
unsigned int vs_golden_guests_outstanding(const struct vs_golden_session *s);
/* A "guest.<name>" or "netvsp.<name>" counter of a netvsc port;
 * -ENOENT if no such counter, -EINVAL if the port has no guest. */
int vs_golden_guest_counter(const struct vs_golden_session *s, unsigned int slot,
			    const char *name, uint64_t *out);

/* golden_offload.c */
/* Reads in/ppi.json (path) into the input frames of its netvsc ports
 * (in, by session slot). */
int vs_golden_ppi_load(const struct vs_golden_session *s, const char *path,
		       struct vs_golden_flist *in, char *err, size_t errlen);
/* Records the metadata of an mbuf the port in slot transmitted. */
struct rte_mbuf;
int vs_golden_meta_add(struct vs_golden_port *p, const struct rte_mbuf *m);
/* Checks every ring port's transmitted metadata against
 * expect/offload.json (path; a missing file expects no requests at all);
 * returns the number of differences or a negative errno. */
int vs_golden_check_offload(const struct vs_golden_session *s, const char *path,
			    const char *case_name, FILE *rep, struct vs_golden_mismatch *first,
			    bool *first_set, char *err, size_t errlen);

/* Checks expect/counters.json (path) against the session's counters;
 * returns the number of differences or a negative errno. */
int vs_golden_check_counters(const struct vs_golden_session *s, const char *path,
			     const char *case_name, FILE *rep, struct vs_golden_mismatch *first,
			     bool *first_set, char *err, size_t errlen);

#endif
