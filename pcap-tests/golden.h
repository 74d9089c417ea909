/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * golden — the golden pcap runner: replays a case through the real
 * datapath and compares every port's output byte for byte.
 *
 * A case is one folder:
 *
 *   case.spec            what the case proves (first comment line) and the
 *                        frames, read by vs-casegen, never by the runner
 *   topology.json        the control protocol's configuration document
 *                        (datapath, switches, ports); every port is a ring
 *                        or a netvsc port, whose guest the runner plays
 *                        (golden_netvsc.c; its optional "guest" object is
 *                        the runner's own)
 *   in/<port>.pcap       frames injected on <port> (pcap or pcapng)
 *   in/ppi.json          optional offload requests (LSO, checksum) netvsc
 *                        guests send with their frames (golden_offload.c)
 *   expect/<port>.pcap   frames <port> must transmit, in order; a missing
 *                        file means "transmits nothing"
 *   expect/counters.json optional counters to assert, e.g.
 *                        {"p1": {"rx_packets": 3, "drops.runt": 1},
 *                         "fdb": {"learned": 2, "overflow": 1}}
 *   expect/offload.json  optional offload requests ring ports must be
 *                        handed with their frames (mbuf metadata); every
 *                        other frame a ring port sends must carry none
 *
 * Replay
 *   All input records are merged by timestamp; ties keep their file order,
 *   and records of different ports with the same timestamp go in port-name
 *   (strcmp) order.  Consecutive records of one port with one timestamp are
 *   one injection: the clock is set to that timestamp, the MAC table is
 *   aged, the frames are enqueued on the port's receive ring together, and
 *   the pipeline is polled until it is idle; then every transmit ring is
 *   drained.  Only the captured bytes of a record are injected, so a record
 *   cut short by the capture's snap length is a short frame.
 *
 * The datapath runs with no workers: the runner drives it, the netvsc
 * control side and the guests from the calling thread, so results are
 * exact and repeatable.
 *
 * Errors: functions return 0 or a negative errno; vs_golden_run_case
 * returns VS_GOLDEN_PASS, VS_GOLDEN_FAIL or a negative errno (the case
 * could not be run; the reason is written to the report stream).
 */
#ifndef VS_GOLDEN_H
#define VS_GOLDEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vswitch.h"

#define VS_GOLDEN_PASS 0
#define VS_GOLDEN_FAIL 1

struct vs_golden_opts {
	bool update;  /* rewrite expect/<port>.pcap from the actual output */
	FILE *report; /* diffs and errors; NULL = stderr */
};

/* What the first difference of a failed case was, for tests to assert. */
struct vs_golden_mismatch {
	char port[VS_NAME_MAX]; /* empty when the mismatch is a counter */
	long frame;             /* 1-based frame number on that port */
	long byte;              /* first differing byte offset; -1 = the
				   frame is missing or extra, or only the
				   lengths differ */
	char counter[64];       /* "p1.drops.runt" when a counter differs */
};

struct vs_golden_result {
	unsigned long injected;   /* input records */
	unsigned long transmitted;/* frames drained from all ports */
	unsigned long mismatches; /* frame and counter differences */
	struct vs_golden_mismatch first;
};

/* Initialises EAL once for the process with the test profile (no
 * hugepages, no PCI, a per-process file prefix). */
int vs_golden_eal_init(const char *prog);
/* Releases what vs_golden_eal_init set up; call once at exit. */
void vs_golden_eal_cleanup(void);

/* Runs the case in dir (see above).  res may be NULL. */
int vs_golden_run_case(const char *dir, const struct vs_golden_opts *opts,
		       struct vs_golden_result *res);

/*
 * Accounting replay of an arbitrary capture: every frame of pcap_path is
 * injected into one ring switch of n_ports ports (each source MAC always
 * enters by the same port; new sources take the ports in turn), and for
 * every port the rule "each received frame is forwarded or dropped with a
 * counted reason" is checked: rx_packets == fwd_unicast + fwd_flood +
 * sum(drops); also that every frame was received, that the ports
 * transmitted fwd_unicast + fwd_flood * (n_ports - 1) frames, and that
 * none was dropped as tx_full.
 * Returns 0 when it holds, VS_GOLDEN_FAIL when it does not (details on the
 * report stream), a negative errno when the replay could not run.
 */
struct vs_golden_acct {
	unsigned long frames;      /* records injected */
	unsigned long rx, fwd_unicast, fwd_flood, dropped; /* all ports */
	uint64_t drops[VS_DROP_MAX];
};
int vs_golden_replay_accounting(const char *pcap_path, unsigned int n_ports, FILE *report,
				struct vs_golden_acct *acct);

/* Lists the case folders under dir (those holding a topology.json), sorted
 * by name.  Returns the count or a negative errno; free with
 * vs_golden_free_list. */
int vs_golden_list_cases(const char *dir, char ***names);
/* Lists the *.pcap and *.pcapng files under dir, sorted. */
int vs_golden_list_pcaps(const char *dir, char ***names);
void vs_golden_free_list(char **names, int n);

/* One-line decode of an Ethernet frame into buf (MACs, every 802.1Q/802.1ad
 * tag, EtherType or 802.3 length, IPv4/IPv6 addresses and protocol, TCP/UDP
 * ports); truncation is stated, never read past len. */
void vs_golden_decode(const uint8_t *frame, uint32_t len, char *buf, size_t size);

#endif
