/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports on kernel network interfaces.
 *
 * emulated  A VM's legacy NIC (QEMU's e1000/rtl8139 behind -netdev tap).  A
 *           tap has two ends and the device emulator always takes the fd
 *           end, so vswitch must not hold it: it creates the tap persistent
 *           and owned (so the VM's user can attach without privileges and
 *           nobody else can), lets go of the fd, and exchanges frames with
 *           the tap's kernel end through net_af_packet.  The interface gets
 *           no address and no IPv6, or the host's own chatter (MLD, RS)
 *           would enter the switch as if the VM had sent it.  "adopt" takes
 *           an existing interface instead (a tap made elsewhere, or the
 *           switch-side end of a veth whose other end is the VM) and leaves
 *           it in place on delete.
 *   host    The management OS's vNIC: the other way round.  vswitch holds
 *           the tap's fd end (net_tap) and the kernel end is the host's
 *           interface, configured through libnl: MAC, MTU, up, addresses.
 *           Deleting the port removes the interface.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp_priv.h"
#include "netlink_priv.h"

/* A user or group given by name or number; -1 when empty. */
static int
vs_port_id_of(const char *s, bool group)
{
	char *end;
	long v;

	if (s[0] == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (*end == '\0' && end != s && v >= 0)
		return (int)v;
	if (group) {
		struct group *g = getgrnam(s);

		return g ? (int)g->gr_gid : -2;
	} else {
		struct passwd *pw = getpwnam(s);

		return pw ? (int)pw->pw_uid : -2;
	}
}

const char *
vs_port_ifname(const struct vs_port *p)
{
	return p->conf.ifname[0] ? p->conf.ifname : p->conf.name;
}

static int
vs_port_emulated_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		      size_t errlen)
{
	const char *ifn = vs_port_ifname(p);
	char args[VS_DEVARGS_MAX], why[256];
	struct vs_nl_link l;
	int uid, gid, rc;

	if (strlen(ifn) >= VS_IFNAME_MAX) {
		snprintf(err, errlen, "port %s: ifname: '%s' is longer than %d characters",
			 p->conf.name, ifn, VS_IFNAME_MAX - 1);
		return -EINVAL;
	}
	if (!p->conf.adopt) {
		uid = vs_port_id_of(p->conf.owner, false);
		gid = vs_port_id_of(p->conf.group, true);
		if (uid == -2 || gid == -2) {
			snprintf(err, errlen, "port %s: %s: no such %s '%s'", p->conf.name,
				 uid == -2 ? "owner" : "group", uid == -2 ? "user" : "group",
				 uid == -2 ? p->conf.owner : p->conf.group);
			return -EINVAL;
		}
		rc = vs_tap_create_persistent(ifn, uid, gid, why, sizeof(why));
		/* The tap a vswitchd killed before it could delete it: ours
		 * again, with the emulator (if any) still on its fd end. */
		if (rc == -EEXIST && vs_tap_is_made(ifn, uid, gid))
			rc = 0;
		if (rc != 0) {
			snprintf(err, errlen, "port %s: %s%s", p->conf.name, why,
				 rc == -EEXIST ? " (to use an existing interface, adopt it)" : "");
			return rc;
		}
		p->made_tap = true;
	} else if ((rc = vs_nl_link_get(p->nl, ifn, &l, why, sizeof(why))) != 0) {
		snprintf(err, errlen, "port %s: ifname: no interface '%s' to adopt (%s)",
			 p->conf.name, ifn, why);
		return rc;
	}
	/* Best effort: an interface may have IPv6 off already, or none. */
	(void)vs_nl_ipv6_disable(ifn, true, why, sizeof(why));
	rc = vs_nl_link_set(p->nl, ifn, NULL, 0, 1, why, sizeof(why));
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot bring %s up: %s", p->conf.name, ifn, why);
		return rc;
	}
	snprintf(args, sizeof(args), "net_af_packet_%s,iface=%s,qpairs=%u", p->conf.name, ifn,
		 n_txq);
	return vs_port_open_devargs(p, args, n_txq, mp, err, errlen);
}

static void
vs_port_emulated_close(struct vs_port *p)
{
	char why[256];

	vs_port_eth_close(p);
	if (p->made_tap)
		(void)vs_tap_delete_persistent(vs_port_ifname(p), why, sizeof(why));
	p->made_tap = false;
}

static int
vs_port_host_open(struct vs_port *p, unsigned int n_txq, struct rte_mempool *mp, char *err,
		  size_t errlen)
{
	const char *ifn = vs_port_ifname(p);
	char args[VS_DEVARGS_MAX], why[256];
	struct vs_nl_link l;
	unsigned int i;
	int rc;

	if (strlen(ifn) >= VS_IFNAME_MAX) {
		snprintf(err, errlen, "port %s: ifname: '%s' is longer than %d characters",
			 p->conf.name, ifn, VS_IFNAME_MAX - 1);
		return -EINVAL;
	}
	if (vs_tap_exists(ifn) == 1 || vs_nl_link_get(p->nl, ifn, &l, why, sizeof(why)) == 0) {
		snprintf(err, errlen, "port %s: ifname: an interface named '%s' exists already",
			 p->conf.name, ifn);
		return -EEXIST;
	}
	snprintf(args, sizeof(args), "net_tap_%s,iface=%s", p->conf.name, ifn);
	rc = vs_port_open_devargs(p, args, n_txq, mp, err, errlen);
	if (rc != 0)
		return rc;
	rc = vs_nl_link_set(p->nl, ifn, p->conf.has_mac ? p->conf.mac : NULL, p->conf.mtu, 1, why,
			    sizeof(why));
	for (i = 0; rc == 0 && i < VS_HOST_ADDRS; i++) {
		if (p->conf.addrs[i][0] == '\0')
			continue;
		rc = vs_nl_addr_add(p->nl, ifn, p->conf.addrs[i], why, sizeof(why));
		if (rc == -EEXIST)
			rc = 0;
	}
	if (rc != 0) {
		snprintf(err, errlen, "port %s: %s: %s", p->conf.name, ifn, why);
		vs_port_eth_close(p);
	}
	return rc;
}

static void
vs_port_host_close(struct vs_port *p)
{
	/* net_tap removes its interface when the device closes. */
	vs_port_eth_close(p);
}

int
vs_port_link(struct vs_port *p, struct vs_nl *nl, struct vs_port_link *out)
{
	struct rte_eth_link el;
	struct vs_nl_link l;
	char name[VS_IFNAME_MAX], why[128];
	const char *ifn = vs_port_kernel_ifname(p, name, sizeof(name));

	memset(out, 0, sizeof(*out));
	if (p->conf.kind == VS_PORT_NETVSC) {
		vs_port_netvsc_link_state(p, out);
		return 0;
	}
	if (ifn != NULL && p->kl.known) {
		/* The cache is what the workers act on (klink.c). */
		out->kernel = true;
		out->gone = p->kl.gone;
		snprintf(out->ifname, sizeof(out->ifname), "%s", p->kl.ifname);
		out->up = p->kl.up;
		out->mtu = p->kl.mtu;
		memcpy(out->mac, p->kl.mac, 6);
	}
	/* Counters are not notified as they move: they are asked for. */
	if (out->kernel && !out->gone && nl != NULL &&
	    vs_nl_link_get(nl, out->ifname, &l, why, sizeof(why)) == 0) {
		out->rx_packets = l.rx_packets;
		out->tx_packets = l.tx_packets;
		out->rx_bytes = l.rx_bytes;
		out->tx_bytes = l.tx_bytes;
		out->rx_dropped = l.rx_dropped;
		out->tx_dropped = l.tx_dropped;
	}
	if (p->eth_open && rte_eth_link_get_nowait(p->eth_port, &el) == 0) {
		out->speed_mbps = el.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : el.link_speed;
		if (!out->kernel)
			out->up = el.link_status == RTE_ETH_LINK_UP;
	}
	return 0;
}

const struct vs_port_ops vs_port_emulated_ops = {
	.kind = VS_PORT_EMULATED,
	.open = vs_port_emulated_open,
	.close = vs_port_emulated_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};

const struct vs_port_ops vs_port_host_ops = {
	.kind = VS_PORT_HOST,
	.open = vs_port_host_open,
	.close = vs_port_host_close,
	.rx_burst = vs_port_eth_rx,
	.tx_burst = vs_port_eth_tx,
};
