/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A DPDK guest application for one netvsc port (DPDK's own net_netvsc PMD,
 * run under pmd/shim.c): it brings the port up, waits for the link, and
 * echoes every frame of one EtherType back with its MAC addresses swapped,
 * everything else untouched.  It exits 0 once it has echoed --expect frames
 * without a transmit failure, 1 on a timeout or any failure, 2 on bad use.
 *
 *   netvsc_guest EAL-ARGS -- [--ethertype 0x88b5] [--expect N] [--timeout S]
 *
 * Lines on stdout the tests read:
 *   guest: port 0 driver net_netvsc mac 00:15:5d:.. mtu 1500
 *   guest: link up 10000 Mbps
 *   guest: rx N tx N tx_fail N ignored N
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
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

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
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
			"[--timeout S]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ethertype", required_argument, NULL, 'e'},
		{"expect", required_argument, NULL, 'n'},
		{"timeout", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	struct rte_mempool *mp;
	struct rte_mbuf *pkts[BURST];
	uint64_t rx = 0, tx = 0, tx_fail = 0, ignored = 0, expect = 0;
	uint16_t ethertype = 0x88b5, mtu = 0;
	double timeout = 30, t0, deadline;
	int n, c, rc = 1;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "guest: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			ethertype = (uint16_t)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			expect = strtoull(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtod(optarg, NULL);
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

	while (!stop && now_s() < deadline && (expect == 0 || tx < expect)) {
		uint16_t nb = rte_eth_rx_burst(0, 0, pkts, BURST), keep = 0, sent;

		if (nb == 0) {
			usleep(50); /* share the CPU with the switch */
			continue;
		}
		for (uint16_t i = 0; i < nb; i++) {
			struct rte_ether_hdr *eh = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
			struct rte_ether_addr tmp;

			if (rte_pktmbuf_data_len(pkts[i]) < sizeof(*eh) ||
			    eh->ether_type != rte_cpu_to_be_16(ethertype)) {
				ignored++;
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			tmp = eh->dst_addr;
			eh->dst_addr = eh->src_addr;
			eh->src_addr = tmp;
			pkts[keep++] = pkts[i];
		}
		rx += keep;
		sent = 0;
		for (int tries = 0; sent < keep && tries < 1000; tries++) {
			sent += rte_eth_tx_burst(0, 0, pkts + sent, keep - sent);
			if (sent < keep)
				usleep(10);
		}
		tx += sent;
		if (sent < keep) {
			tx_fail += keep - sent;
			rte_pktmbuf_free_bulk(pkts + sent, keep - sent);
		}
	}
	rc = tx_fail == 0 && tx == rx && (expect == 0 || tx >= expect) ? 0 : 1;
	if (expect != 0 && tx < expect)
		fprintf(stderr, "guest: echoed %" PRIu64 " of %" PRIu64 " frames in %.0f s\n", tx,
			expect, timeout);
	/* Let the last transmissions complete before the port stops. */
	usleep(200000);
stop:
	printf("guest: rx %" PRIu64 " tx %" PRIu64 " tx_fail %" PRIu64 " ignored %" PRIu64 "\n",
	       rx, tx, tx_fail, ignored);
	fflush(stdout);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
out:
	rte_eal_cleanup();
	return rc;
}
