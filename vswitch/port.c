/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port backends.  "phy" and "ring" are both ethdevs; they differ only in how
 * the ethdev comes to exist (hot-plugged from devargs, or built around two
 * rte_rings) and how it goes away.  Backends that are not ethdevs (netvsc)
 * will fill the same ops with their own burst functions.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "dp_priv.h"

/* What RSS hashes on a multi-queue uplink. */
#define VS_PORT_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)
#define VS_RX_DESC 1024
#define VS_TX_DESC 1024
#define VS_RING_DEFAULT 1024
#define VS_MTU_JUMBO 9000

uint16_t
vs_port_eth_rx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_rx_burst(p->eth_port, q, pkts, n);
}

uint16_t
vs_port_eth_tx(struct vs_port *p, uint16_t q, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_tx_burst(p->eth_port, q, pkts, n);
}

/* Receive queues of a device made from devargs (an uplink, a VM stand-in,
 * an emulated NIC's tap): every queue it has, at most VS_PORT_MAX_QUEUES
 * or the port's "queues".
 * net_af_packet's qpairs are sockets in one kernel fanout group that
 * hashes flows over them, as a NIC's RSS hashes them to queues: one left
 * unpolled would hold its share of the frames.  Other kinds have one. */
static uint16_t
vs_port_rx_queues(const struct vs_port *p, const struct rte_eth_dev_info *info)
{
	uint16_t want = VS_PORT_MAX_QUEUES;

	if ((p->conf.kind != VS_PORT_PHY && p->conf.kind != VS_PORT_VDEV &&
	     p->conf.kind != VS_PORT_EMULATED) ||
	    info->max_rx_queues <= 1)
		return 1;
	/* "queues" asks for fewer: the rest of a NIC's queues idle, and an
	 * empty queue still costs its worker a poll. */
	if (p->conf.kind != VS_PORT_EMULATED && p->conf.queues != 0)
		want = (uint16_t)RTE_MIN(p->conf.queues, (uint32_t)VS_PORT_MAX_QUEUES);
	return (uint16_t)RTE_MIN(info->max_rx_queues, want);
}

/* Configures and starts an existing ethdev: its receive queues (RSS
 * spreading flows over several when the device hashes), n_txq tx queues,
 * jumbo frames when the device can take them, promiscuous. */
static int
vs_port_eth_start(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		  size_t errlen)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf ec;
	unsigned int q;
	int rc;

	rc = rte_eth_dev_info_get(p->eth_port, &info);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot read device info: %s", p->conf.name,
			 rte_strerror(-rc));
		return rc;
	}
	if (info.max_tx_queues < n_txq) {
		snprintf(err, errlen,
			 "port %s: device has %u tx queue(s), %u needed (one per worker)",
			 p->conf.name, info.max_tx_queues, n_txq);
		return -EINVAL;
	}
	memset(&ec, 0, sizeof(ec));
	ec.rxmode.mtu = RTE_MIN((uint32_t)VS_MTU_JUMBO, (uint32_t)info.max_mtu);
	if (info.max_rx_pktlen > RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)
		ec.rxmode.mtu = RTE_MIN(ec.rxmode.mtu, info.max_rx_pktlen - RTE_ETHER_HDR_LEN -
							       RTE_ETHER_CRC_LEN);
	if (ec.rxmode.mtu < RTE_ETHER_MTU)
		ec.rxmode.mtu = RTE_ETHER_MTU;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		ec.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		ec.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* VLAN tags: inserted by the device on transmit when it can; stripped
	 * on receive only for access/trunk policies (vs_port_apply_vlan), as
	 * untagged ports carry tags as data. */
	p->hw_vlan_insert = (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_VLAN_INSERT) != 0;
	p->hw_vlan_strip = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0;
	if (p->hw_vlan_insert)
		ec.txmode.offloads |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	/* Checksums and TSO: enabled on the device whenever it has them;
	 * whether a frame asks it to is the port's offload settings' call,
	 * which change live (offload/). */
	p->offload_caps = vs_offload_caps_from_ethdev(info.tx_offload_capa) |
			  vs_offload_rx_caps_from_ethdev(info.rx_offload_capa);
	ec.txmode.offloads |=
		vs_offload_caps_to_ethdev(p->offload_caps & ~VS_OFFLOAD_VLAN_INSERT);
	ec.rxmode.offloads |= vs_offload_rx_caps_to_ethdev(p->offload_caps);
	p->eth_offloads = (p->offload_caps & (VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_TSO_ALL)) != 0;
	p->eth_rxq = vs_port_rx_queues(p, &info);
	if (p->eth_rxq < info.max_rx_queues && p->eth_rxq < VS_PORT_MAX_QUEUES &&
	    info.driver_name != NULL && strcmp(info.driver_name, "net_af_packet") == 0) {
		/* Its kernel fanout feeds every socket it opened. */
		snprintf(err, errlen,
			 "port %s: queues: net_af_packet spreads over all its %u qpairs; set "
			 "qpairs=%u in the devargs instead",
			 p->conf.name, info.max_rx_queues, p->eth_rxq);
		return -EINVAL;
	}
	if (p->eth_rxq > 1 && (info.flow_type_rss_offloads & VS_PORT_RSS_HF) != 0) {
		/* The device's default key; IP addresses and L4 ports. */
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & VS_PORT_RSS_HF;
	}
	rc = rte_eth_dev_configure(p->eth_port, p->eth_rxq, (uint16_t)n_txq, &ec);
	if (rc != 0 && ec.rxmode.mtu != RTE_ETHER_MTU) {
		/* Some PMDs report a max_mtu they then refuse; fall back. */
		ec.rxmode.mtu = RTE_ETHER_MTU;
		rc = rte_eth_dev_configure(p->eth_port, p->eth_rxq, (uint16_t)n_txq, &ec);
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot configure device: %s", p->conf.name,
			 rte_strerror(-rc));
		return rc;
	}
	for (q = 0; q < p->eth_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->eth_port, (uint16_t)q, VS_RX_DESC,
					    (unsigned int)rte_socket_id(), NULL, mp);
		if (rc != 0) {
			snprintf(err, errlen, "port %s: cannot set up rx queue %u: %s",
				 p->conf.name, q, rte_strerror(-rc));
			return rc;
		}
	}
	for (q = 0; q < n_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->eth_port, (uint16_t)q, VS_TX_DESC,
					    (unsigned int)rte_socket_id(), NULL);
		if (rc != 0) {
			snprintf(err, errlen, "port %s: cannot set up tx queue %u: %s",
				 p->conf.name, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->eth_port);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot start device: %s", p->conf.name,
			 rte_strerror(-rc));
		return rc;
	}
	/* A switch port must see every destination; devices without a
	 * promiscuous mode (rings, pcap files) already do. */
	(void)rte_eth_promiscuous_enable(p->eth_port);
	vs_port_apply_vlan(p);
	return 0;
}

void
vs_port_apply_vlan(struct vs_port *p)
{
	int mask;

	if (!p->eth_open || !p->hw_vlan_strip)
		return;
	mask = rte_eth_dev_get_vlan_offload(p->eth_port);
	if (mask < 0)
		return;
	if (p->conf.vlan.mode == VS_VLAN_MODE_UNTAGGED)
		mask &= ~RTE_ETH_VLAN_STRIP_OFFLOAD;
	else
		mask |= RTE_ETH_VLAN_STRIP_OFFLOAD;
	/* Refused: frames keep their tags and software pops them instead. */
	if (rte_eth_dev_set_vlan_offload(p->eth_port, mask) != 0)
		p->hw_vlan_strip = false;
}

/* Hot-plugs the device named by args, then configures and starts it. */
int
vs_port_open_devargs(struct vs_port *p, const char *args, unsigned int n_txq,
		     struct rte_mempool *mp, char *err, size_t errlen)
{
	size_t len = strcspn(args, ",");
	uint16_t id;
	int rc;

	if (len == 0 || len >= sizeof(p->eth_name)) {
		snprintf(err, errlen, "port %s: devargs: expected a device name, got '%s'",
			 p->conf.name, args);
		return -EINVAL;
	}
	memcpy(p->eth_name, args, len);
	p->eth_name[len] = '\0';
	if (rte_eth_dev_get_port_by_name(p->eth_name, &id) == 0) {
		snprintf(err, errlen, "port %s: device %s is already in use", p->conf.name,
			 p->eth_name);
		return -EEXIST;
	}
	rc = rte_dev_probe(args);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot open device '%s': %s", p->conf.name, args,
			 rte_strerror(-rc));
		return rc;
	}
	if (rte_eth_dev_get_port_by_name(p->eth_name, &id) != 0) {
		snprintf(err, errlen, "port %s: '%s' is not a network device", p->conf.name,
			 p->eth_name);
		/* Whatever it was, it is not ours to keep. */
		if (rte_eal_hotplug_remove("vdev", p->eth_name) != 0)
			(void)rte_eal_hotplug_remove("pci", p->eth_name);
		return -ENODEV;
	}
	p->eth_port = id;
	p->eth_open = true;
	return vs_port_eth_start(p, n_txq, mp, err, errlen);
}

static int
vs_port_phy_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		 size_t errlen)
{
	return vs_port_open_devargs(p, p->conf.devargs, n_txq, mp, err, errlen);
}

void
vs_port_eth_close(struct vs_port *p)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (!p->eth_open)
		return;
	/* A capture's callbacks live on the ethdev: they go before it does,
	 * or a device reusing the port id would call into a freed capture. */
	vs_capture_port_closing(p);
	(void)rte_eth_dev_stop(p->eth_port);
	if (rte_eth_dev_info_get(p->eth_port, &info) == 0)
		dev = info.device;
	(void)rte_eth_dev_close(p->eth_port);
	/* Closing frees the port; removing the device frees its name, so a
	 * port of the same devargs (or ring name) can be added again. */
	if (dev != NULL)
		(void)rte_dev_remove(dev);
	p->eth_open = false;
}

static void
vs_port_phy_close(struct vs_port *p)
{
	vs_port_eth_close(p);
}

static int
vs_port_ring_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		  size_t errlen)
{
	struct rte_ring *txs[VS_MAX_WORKERS];
	unsigned int size = p->conf.ring_size ? p->conf.ring_size : VS_RING_DEFAULT;
	char rname[RTE_RING_NAMESIZE];
	unsigned int q;
	int id, rc;

	size = rte_align32pow2(size);
	/* The ethdev name (set by the caller) is unique among live ports. */
	snprintf(rname, sizeof(rname), "%.20s_rx", p->eth_name);
	p->rx_ring = rte_ring_create(rname, size, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rname, sizeof(rname), "%.20s_tx", p->eth_name);
	/* Every worker transmits into the same ring: multi-producer. */
	p->tx_ring = rte_ring_create(rname, size, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (p->rx_ring == NULL || p->tx_ring == NULL) {
		snprintf(err, errlen, "port %s: cannot create rings of %u: %s", p->conf.name, size,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (q = 0; q < n_txq; q++)
		txs[q] = p->tx_ring;
	id = rte_eth_from_rings(p->eth_name, &p->rx_ring, 1, txs, n_txq,
				(unsigned int)rte_socket_id());
	if (id < 0) {
		snprintf(err, errlen, "port %s: cannot create ring device: %s", p->conf.name,
			 rte_strerror(rte_errno));
		return -ENODEV;
	}
	p->eth_port = (uint16_t)id;
	p->eth_open = true;
	rc = vs_port_eth_start(p, n_txq, mp, err, errlen);
	if (rc != 0)
		return rc;
	/* A ring hands mbufs to software in this process, metadata and all:
	 * it "does" every checksum and TSO, as a port of a VM whose driver
	 * finishes them would (settings turn them off for tests), and the
	 * receive checksum verdicts its producer put in the RX flags are
	 * believed.  There is no device to prepare frames for. */
	p->offload_caps = VS_OFFLOAD_CKSUM_ALL | VS_OFFLOAD_TSO_ALL | VS_OFFLOAD_RX_CKSUM |
			  (p->hw_vlan_insert ? VS_OFFLOAD_VLAN_INSERT : 0);
	p->eth_offloads = false;
	return 0;
}

static void
vs_port_ring_close(struct vs_port *p)
{
	struct rte_mbuf *m;

	vs_port_eth_close(p);
	/* Frames nobody consumed belong to the datapath's pool. */
	if (p->rx_ring != NULL) {
		while (rte_ring_dequeue(p->rx_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(p->rx_ring);
	}
	if (p->tx_ring != NULL) {
		while (rte_ring_dequeue(p->tx_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(p->tx_ring);
	}
	p->rx_ring = p->tx_ring = NULL;
}

/*
 * pcap: a VM stand-in for demonstrations, tests and benchmarks.  Frames are
 * replayed from rx_pcap (forever with loop) and, with tx_pcap, what the
 * switch sends is recorded; net_pcap does the work.  net_pcap has one
 * transmit queue per tx_pcap, so a recording port needs a single worker;
 * without tx_pcap transmitted frames are dropped (one queue per rx_pcap:
 * the file is named once per worker, only queue 0 is polled).
 */
static int
vs_port_pcap_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		  size_t errlen)
{
	char args[VS_DEVARGS_MAX * 4];
	size_t off;
	unsigned int q, nq = n_txq ? n_txq : 1;

	if (p->conf.rx_pcap[0] == '\0') {
		snprintf(err, errlen, "port %s: rx_pcap: required for a pcap port", p->conf.name);
		return -EINVAL;
	}
	if (p->conf.tx_pcap[0] != '\0' && nq > 1) {
		snprintf(err, errlen,
			 "port %s: tx_pcap: a recording pcap port needs a single worker (%u run)",
			 p->conf.name, nq);
		return -EINVAL;
	}
	off = (size_t)snprintf(args, sizeof(args), "net_pcap_%s", p->conf.name);
	for (q = 0; q < nq && off < sizeof(args); q++)
		off += (size_t)snprintf(args + off, sizeof(args) - off, ",rx_pcap=%s",
					p->conf.rx_pcap);
	if (p->conf.tx_pcap[0] != '\0' && off < sizeof(args))
		off += (size_t)snprintf(args + off, sizeof(args) - off, ",tx_pcap=%s",
					p->conf.tx_pcap);
	if (p->conf.loop && off < sizeof(args))
		off += (size_t)snprintf(args + off, sizeof(args) - off, ",infinite_rx=1");
	if (off >= sizeof(args)) {
		snprintf(err, errlen, "port %s: rx_pcap/tx_pcap: paths too long", p->conf.name);
		return -ENAMETOOLONG;
	}
	return vs_port_open_devargs(p, args, n_txq, mp, err, errlen);
}

static const struct vs_port_ops vs_port_pcap_ops = {
	.kind = VS_PORT_PCAP,
	.open = vs_port_pcap_open,
	.close = vs_port_phy_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};

/* A VM stand-in on a virtual device: the same as an uplink's ethdev, in a
 * VM's role.  Physical (bus) devices are refused: a NIC is an uplink. */
static int
vs_port_vdev_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		  size_t errlen)
{
	if (p->conf.devargs[0] == '\0') {
		snprintf(err, errlen, "port %s: devargs: required for a vdev port", p->conf.name);
		return -EINVAL;
	}
	if (strncmp(p->conf.devargs, "net_", 4) != 0 && strncmp(p->conf.devargs, "eth_", 4) != 0) {
		snprintf(err, errlen,
			 "port %s: devargs: '%s' is not a virtual device (net_...); a NIC is a "
			 "switch's uplink",
			 p->conf.name, p->conf.devargs);
		return -EINVAL;
	}
	return vs_port_open_devargs(p, p->conf.devargs, n_txq, mp, err, errlen);
}

static const struct vs_port_ops vs_port_vdev_ops = {
	.kind = VS_PORT_VDEV,
	.open = vs_port_vdev_open,
	.close = vs_port_phy_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};

static const struct vs_port_ops vs_port_phy_ops = {
	.kind = VS_PORT_PHY,
	.open = vs_port_phy_open,
	.close = vs_port_phy_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};

static const struct vs_port_ops vs_port_ring_ops = {
	.kind = VS_PORT_RING,
	.open = vs_port_ring_open,
	.close = vs_port_ring_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};

const struct vs_port_ops *
vs_port_ops_for(enum vs_port_kind kind)
{
	switch (kind) {
	case VS_PORT_PHY:
		return &vs_port_phy_ops;
	case VS_PORT_RING:
		return &vs_port_ring_ops;
	case VS_PORT_EMULATED:
		return &vs_port_emulated_ops;
	case VS_PORT_HOST:
		return &vs_port_host_ops;
	case VS_PORT_PCAP:
		return &vs_port_pcap_ops;
	case VS_PORT_NETVSC:
		return &vs_port_netvsc_ops;
	case VS_PORT_VDEV:
		return &vs_port_vdev_ops;
	}
	return NULL;
}

const char *
vs_port_kind_name(enum vs_port_kind k)
{
	switch (k) {
	case VS_PORT_PHY:
		return "phy";
	case VS_PORT_RING:
		return "ring";
	case VS_PORT_EMULATED:
		return "emulated";
	case VS_PORT_HOST:
		return "host";
	case VS_PORT_PCAP:
		return "pcap";
	case VS_PORT_NETVSC:
		return "netvsc";
	case VS_PORT_VDEV:
		return "vdev";
	}
	return "?";
}

int
vs_port_kind_parse(const char *s, enum vs_port_kind *out)
{
	if (strcmp(s, "phy") == 0)
		*out = VS_PORT_PHY;
	else if (strcmp(s, "ring") == 0)
		*out = VS_PORT_RING;
	else if (strcmp(s, "emulated") == 0)
		*out = VS_PORT_EMULATED;
	else if (strcmp(s, "host") == 0)
		*out = VS_PORT_HOST;
	else if (strcmp(s, "pcap") == 0)
		*out = VS_PORT_PCAP;
	else if (strcmp(s, "netvsc") == 0)
		*out = VS_PORT_NETVSC;
	else if (strcmp(s, "vdev") == 0)
		*out = VS_PORT_VDEV;
	else
		return -EINVAL;
	return 0;
}
