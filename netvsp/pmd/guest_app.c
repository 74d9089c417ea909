/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DPDK guest application for one netvsc port (DPDK's own net_netvsc PMD,
 * run under pmd/shim.c): it brings the port up, waits for the link, and
 * echoes every frame of one EtherType back with its MAC addresses swapped,
 * everything else untouched.  It exits 0 once it has echoed --expect frames
 * (and seen --watch-link link changes) without a failure, 1 on a timeout or
 * any failure, 2 on bad use.
 *
 *   netvsc_guest EAL-ARGS -- [--ethertype 0x88b5] [--expect N] [--timeout S]
 *                            [--vlan-strip] [--expect-vlan VID] [--watch-link N]
 *                            [--lsc] [--announce VID]
 *
 * VLANs.  The host hands a tag to the guest as 802.1Q per-packet info; the
 * PMD reports it in vlan_tci with RTE_MBUF_F_RX_VLAN_STRIPPED when the port
 * strips (--vlan-strip: RTE_ETH_RX_OFFLOAD_VLAN_STRIP), and puts it back
 * into the frame otherwise.  A frame that came with its tag stripped is
 * echoed with RTE_MBUF_F_TX_VLAN and the same vlan_tci, so the PMD sends it
 * as per-packet info; a tag in the frame data is echoed as data.  Frames of
 * the EtherType behind one 802.1Q tag count as the EtherType.  With
 * --expect-vlan every echoed frame must be in VLAN VID (else vlan_bad).
 *
 * A port whose MAC the switch locks gets no unknown unicast, and on a trunk
 * without a native VLAN the switch knows the guest's MAC only once it has
 * sent in the VLAN: --announce VID sends one broadcast frame (EtherType
 * 0x88b6, the MAC and "netvsc_guest") in VLAN VID as per-packet info (0:
 * untagged) once the link is up, as a guest's gratuitous ARP would.
 *
 * Link.  With --watch-link N the application exits only after N link
 * changes, and keeps echoing meanwhile.  It sees them by polling
 * rte_eth_link_get_nowait every 10 ms (the PMD queries the host for
 * OID_GEN_MEDIA_CONNECT_STATUS each time), or with --lsc by counting the
 * PMD's link-state-change events (intr_conf.lsc): the PMD raises one for
 * each media connect or disconnect indication from the host.  The two do
 * not mix: with intr_conf.lsc set, ethdev answers link queries from its
 * cached state, which the 22.11 PMD does not refresh on an indication.
 *
 * Lines on stdout the tests read:
 *   guest: port 0 driver net_netvsc mac 00:15:5d:.. mtu 1500
 *   guest: link up 10000 Mbps
 *   guest: first vlan frame: stripped tci 0x000a      (or "in data tci ...")
 *   guest: link change: down                           (--watch-link)
 *   guest: link change: up after N ms down
 *   guest: lsc event N                                 (--watch-link, --lsc)
 *   guest: rx N tx N tx_fail N ignored N
 *   guest: vlan stripped N in_data N untagged N vlan_bad N lsc N
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define BURST 32
#define NB_DESC 256

static volatile sig_atomic_t stop;
/* Link-state-change events; the PMD calls back from inside its receive
 * path, where a link query of our own would deadlock: only count here. */
static volatile uint32_t lsc_events;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
on_lsc(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	(void)port;
	(void)ev;
	(void)arg;
	(void)ret;
	__atomic_add_fetch(&lsc_events, 1, __ATOMIC_RELAXED);
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: netvsc_guest EAL-ARGS -- [--ethertype T] [--expect N] "
			"[--timeout S] [--vlan-strip] [--expect-vlan VID] [--watch-link N]\n");
	exit(2);
}

struct counts {
	uint64_t rx, tx, tx_fail, ignored;
	uint64_t stripped, in_data, untagged, vlan_bad;
};

/* Classifies one received frame: is it ours, and in which VLAN (0: none)?
 * A frame the PMD stripped is set up to go back with its tag as per-packet
 * info; its MAC addresses are swapped either way. */
static bool
take_frame(struct rte_mbuf *m, uint16_t ethertype, int expect_vlan, struct counts *c)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr tmp;
	uint16_t type, tci = 0;
	bool stripped = m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED, in_data = false;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh))
		return false;
	type = rte_be_to_cpu_16(eh->ether_type);
	if (type == RTE_ETHER_TYPE_VLAN) {
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eh + 1);

		if (rte_pktmbuf_data_len(m) < sizeof(*eh) + sizeof(*vh))
			return false;
		tci = rte_be_to_cpu_16(vh->vlan_tci);
		type = rte_be_to_cpu_16(vh->eth_proto);
		in_data = true;
	}
	if (type != ethertype)
		return false;
	if (stripped && in_data)
		return false; /* two tags: not a frame of ours */
	if (stripped)
		tci = m->vlan_tci;
	if ((stripped || in_data) && c->stripped + c->in_data == 0) {
		printf("guest: first vlan frame: %s tci 0x%04x\n", stripped ? "stripped" : "in data",
		       tci);
		fflush(stdout);
	}
	c->stripped += stripped;
	c->in_data += in_data;
	c->untagged += !stripped && !in_data;
	if (expect_vlan >= 0 && (stripped || in_data ? tci & 0xfff : 0) != expect_vlan)
		c->vlan_bad++;
	tmp = eh->dst_addr;
	eh->dst_addr = eh->src_addr;
	eh->src_addr = tmp;
	/* What comes back goes out as it came in: a stripped tag as 802.1Q
	 * per-packet info, a tag in the data as data. */
	m->ol_flags = stripped ? RTE_MBUF_F_TX_VLAN : 0;
	m->vlan_tci = stripped ? tci : 0;
	return true;
}

/* One broadcast frame from our MAC, in VLAN vid (0: untagged) as 802.1Q
 * per-packet info, so that the switch learns where we are. */
static int
send_announce(struct rte_mempool *mp, const struct rte_ether_addr *mac, uint16_t vid)
{
	static const char what[] = "netvsc_guest";
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;
	uint8_t *body;

	if (m == NULL)
		return -ENOMEM;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	if (eh == NULL) {
		rte_pktmbuf_free(m);
		return -ENOMEM;
	}
	memset(eh, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	eh->src_addr = *mac;
	eh->ether_type = rte_cpu_to_be_16(0x88b6);
	body = (uint8_t *)(eh + 1);
	memcpy(body, mac, sizeof(*mac));
	memcpy(body + sizeof(*mac), what, sizeof(what));
	if (vid != 0) {
		m->ol_flags = RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = vid;
	}
	for (int tries = 0; tries < 1000; tries++) {
		if (rte_eth_tx_burst(0, 0, &m, 1) == 1)
			return 0;
		usleep(100);
	}
	rte_pktmbuf_free(m);
	return -EAGAIN;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ethertype", required_argument, NULL, 'e'},
		{"expect", required_argument, NULL, 'n'},
		{"timeout", required_argument, NULL, 't'},
		{"vlan-strip", no_argument, NULL, 's'},
		{"expect-vlan", required_argument, NULL, 'v'},
		{"watch-link", required_argument, NULL, 'w'},
		{"announce", required_argument, NULL, 'a'},
		{"lsc", no_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	struct rte_mempool *mp;
	struct rte_mbuf *pkts[BURST];
	struct counts c = {0};
	uint64_t expect = 0;
	uint16_t ethertype = 0x88b5, mtu = 0;
	unsigned int watch = 0, changes = 0;
	bool strip = false, lsc = false;
	uint32_t lsc_seen = 0;
	int expect_vlan = -1, announce = -1;
	double timeout = 30, t0, deadline, next_poll = 0, down_at = 0;
	int n, ch, rc = 1;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "guest: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			ethertype = (uint16_t)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			expect = strtoull(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtod(optarg, NULL);
			break;
		case 's':
			strip = true;
			break;
		case 'v':
			expect_vlan = atoi(optarg);
			if (expect_vlan < 0 || expect_vlan > 4094)
				usage();
			break;
		case 'l':
			lsc = true;
			break;
		case 'a':
			announce = atoi(optarg);
			if (announce < 0 || announce > 4094)
				usage();
			break;
		case 'w':
			watch = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "guest: %u ports; expected one netvsc port\n",
			rte_eth_dev_count_avail());
		goto out;
	}
	if (rte_eth_dev_info_get(0, &info) != 0 || strcmp(info.driver_name, "net_netvsc") != 0) {
		fprintf(stderr, "guest: port 0 is not a net_netvsc port\n");
		goto out;
	}
	if (strip) {
		if (!(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) ||
		    !(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT)) {
			fprintf(stderr, "guest: the port offers no VLAN strip/insert\n");
			goto out;
		}
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	}
	if (lsc) {
		conf.intr_conf.lsc = 1;
		rte_eth_dev_callback_register(0, RTE_ETH_EVENT_INTR_LSC, on_lsc, NULL);
	}
	mp = rte_pktmbuf_pool_create("guest", 2047, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "guest: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out;
	}
	if ((n = rte_eth_dev_configure(0, 1, 1, &conf)) != 0 ||
	    (n = rte_eth_rx_queue_setup(0, 0, NB_DESC, rte_eth_dev_socket_id(0), NULL, mp)) != 0 ||
	    (n = rte_eth_tx_queue_setup(0, 0, NB_DESC, rte_eth_dev_socket_id(0), NULL)) != 0 ||
	    (n = rte_eth_dev_start(0)) != 0) {
		fprintf(stderr, "guest: port set-up: %s\n", rte_strerror(-n));
		goto out;
	}
	rte_eth_macaddr_get(0, &mac);
	rte_eth_dev_get_mtu(0, &mtu);
	printf("guest: port 0 driver %s mac " RTE_ETHER_ADDR_PRT_FMT " mtu %u\n",
	       info.driver_name, RTE_ETHER_ADDR_BYTES(&mac), mtu);
	fflush(stdout);

	t0 = now_s();
	deadline = t0 + timeout;
	do {
		rte_eth_link_get_nowait(0, &link);
		if (link.link_status)
			break;
		usleep(10000);
	} while (!stop && now_s() < deadline);
	if (!link.link_status) {
		fprintf(stderr, "guest: the link did not come up\n");
		goto stop;
	}
	printf("guest: link up %u Mbps\n", link.link_speed);
	fflush(stdout);
	if (announce >= 0 && send_announce(mp, &mac, (uint16_t)announce) != 0) {
		fprintf(stderr, "guest: the announcement did not go\n");
		goto stop;
	}

	while (!stop && now_s() < deadline &&
	       ((expect == 0 && watch == 0) || c.tx < expect || changes < watch)) {
		uint16_t nb, keep = 0, sent;

		if (lsc && __atomic_load_n(&lsc_events, __ATOMIC_RELAXED) != lsc_seen) {
			lsc_seen = __atomic_load_n(&lsc_events, __ATOMIC_RELAXED);
			changes = lsc_seen;
			printf("guest: lsc event %u\n", lsc_seen);
			fflush(stdout);
		}
		if (!lsc && watch > 0 && now_s() >= next_poll) {
			struct rte_eth_link l;

			next_poll = now_s() + 0.01;
			if (rte_eth_link_get_nowait(0, &l) == 0 && l.link_status != link.link_status) {
				link = l;
				changes++;
				if (!l.link_status)
					down_at = now_s();
				printf("guest: link change: %s", l.link_status ? "up" : "down");
				if (l.link_status && down_at > 0)
					printf(" after %.0f ms down", (now_s() - down_at) * 1e3);
				printf("\n");
				fflush(stdout);
			}
		}
		nb = rte_eth_rx_burst(0, 0, pkts, BURST);
		if (nb == 0) {
			usleep(50); /* share the CPU with the switch */
			continue;
		}
		for (uint16_t i = 0; i < nb; i++) {
			if (!take_frame(pkts[i], ethertype, expect_vlan, &c)) {
				c.ignored++;
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			pkts[keep++] = pkts[i];
		}
		c.rx += keep;
		sent = 0;
		for (int tries = 0; sent < keep && tries < 1000; tries++) {
			sent += rte_eth_tx_burst(0, 0, pkts + sent, keep - sent);
			if (sent < keep)
				usleep(10);
		}
		c.tx += sent;
		if (sent < keep) {
			c.tx_fail += keep - sent;
			rte_pktmbuf_free_bulk(pkts + sent, keep - sent);
		}
	}
	rc = c.tx_fail == 0 && c.tx == c.rx && c.tx >= expect && c.vlan_bad == 0 && changes >= watch
		     ? 0
		     : 1;
	if (c.tx < expect)
		fprintf(stderr, "guest: echoed %" PRIu64 " of %" PRIu64 " frames in %.0f s\n", c.tx,
			expect, timeout);
	if (changes < watch)
		fprintf(stderr, "guest: saw %u of %u link changes in %.0f s\n", changes, watch,
			timeout);
	/* Let the last transmissions complete before the port stops. */
	usleep(200000);
stop:
	printf("guest: rx %" PRIu64 " tx %" PRIu64 " tx_fail %" PRIu64 " ignored %" PRIu64 "\n",
	       c.rx, c.tx, c.tx_fail, c.ignored);
	printf("guest: vlan stripped %" PRIu64 " in_data %" PRIu64 " untagged %" PRIu64
	       " vlan_bad %" PRIu64 " lsc %u\n",
	       c.stripped, c.in_data, c.untagged, c.vlan_bad,
	       __atomic_load_n(&lsc_events, __ATOMIC_RELAXED));
	fflush(stdout);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
out:
	rte_eal_cleanup();
	return rc;
}
