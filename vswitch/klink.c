/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel link cache: carrier, MTU and address of the kernel interface
 * behind each port that has one (an af_packet uplink's iface, a host vNIC,
 * an emulated port's tap), as the kernel last announced them.
 *
 * Read once when the port opens, then kept current from the datapath's
 * netlink notification socket by the control thread (vs_dp_ctl_poll ->
 * vs_dp_link_poll, which never blocks): no request per read and no /sys
 * polling.  An entry follows its interface's index, so a rename keeps it;
 * an interface removed stays down, since the port's socket was bound to
 * it and a new interface of the same name is another one.  When the
 * socket overflowed, netlink.c reports every link once (resync); an
 * interface known before and absent from that report is gone.
 *
 * Workers see the cache only through the snapshot: a port whose link is
 * down is down to them (out of the flood sets, frames to it counted as
 * link_down), and a known MTU bounds the frames it is given
 * (mtu_exceeded).  A change that matters to them republishes the snapshot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"
#include "netlink_priv.h"

const char *
vs_af_packet_iface(const char *devargs, char *buf, size_t len)
{
	const char *at;
	size_t n;

	if (strncmp(devargs, "net_af_packet", 13) != 0 || (at = strstr(devargs, "iface=")) == NULL)
		return NULL;
	at += 6;
	n = strcspn(at, ",");
	if (n == 0 || n >= len)
		return NULL;
	memcpy(buf, at, n);
	buf[n] = '\0';
	return buf;
}

const char *
vs_port_kernel_ifname(const struct vs_port *p, char *buf, size_t len)
{
	if (p->conf.kind == VS_PORT_EMULATED || p->conf.kind == VS_PORT_HOST)
		return vs_port_ifname(p);
	if (p->conf.kind != VS_PORT_PHY)
		return NULL;
	return vs_af_packet_iface(p->conf.devargs, buf, len);
}

void
vs_klink_open(struct vs_klink *k, struct vs_nl *nl, const char *ifname)
{
	struct vs_nl_link l;
	char why[128];

	memset(k, 0, sizeof(*k));
	k->tracked = true;
	snprintf(k->ifname, sizeof(k->ifname), "%s", ifname);
	if (nl != NULL && vs_nl_link_get(nl, ifname, &l, why, sizeof(why)) == 0)
		(void)vs_klink_apply(k, &l);
}

unsigned int
vs_klink_apply(struct vs_klink *k, const struct vs_nl_link *l)
{
	bool was_down = k->known && !k->up;
	uint32_t was_mtu = k->known ? k->mtu : 0;
	uint8_t was_mac[6];
	unsigned int ch = 0;

	if (!k->tracked || k->gone)
		return 0;
	if (k->ifindex != 0 ? l->ifindex != k->ifindex
			    : strncmp(l->ifname, k->ifname, sizeof(k->ifname)) != 0)
		return 0;
	memcpy(was_mac, k->mac, sizeof(was_mac));
	if (l->resync)
		k->seen = true;
	if (l->gone) {
		k->gone = true;
		k->up = false;
		k->mtu = 0;
	} else {
		k->ifindex = l->ifindex;
		snprintf(k->ifname, sizeof(k->ifname), "%s", l->ifname);
		/* Both: an interface set down keeps its carrier on some drivers. */
		k->up = l->admin_up && l->oper_up;
		k->mtu = l->mtu;
		memcpy(k->mac, l->mac, sizeof(k->mac));
	}
	k->known = true;
	if (!k->up != was_down)
		ch |= VS_KLINK_UP;
	if (k->mtu != was_mtu)
		ch |= VS_KLINK_MTU;
	if (memcmp(k->mac, was_mac, sizeof(was_mac)) != 0)
		ch |= VS_KLINK_MAC;
	return ch;
}

void
vs_dp_set_notice(struct vs_dp *dp, vs_notice_fn fn, void *arg)
{
	dp->notice = fn;
	dp->notice_arg = arg;
}

void
vs_dp_noticef(struct vs_dp *dp, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (dp->notice == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dp->notice(msg, dp->notice_arg);
}

uint64_t
vs_dp_self_changes(const struct vs_dp *dp)
{
	return dp->self_changes;
}

int
vs_dp_nl(struct vs_dp *dp, char *err, size_t errlen)
{
	return dp->nl != NULL ? 0 : vs_nl_open(&dp->nl, err, errlen);
}

/* Applies l to every port; sw_mtu[] marks the switches where an MTU moved. */
static unsigned int
vs_dp_link_apply(struct vs_dp *dp, const struct vs_nl_link *l, bool sw_mtu[VS_MAX_SWITCHES])
{
	unsigned int i, ch, all = 0;

	for (i = 0; i < VS_MAX_PORTS; i++) {
		struct vs_port *p = &dp->ports[i];

		if (!p->in_use || (ch = vs_klink_apply(&p->kl, l)) == 0)
			continue;
		all |= ch;
		if (ch & VS_KLINK_UP)
			vs_dp_noticef(dp, "port %s: link %s (interface %s%s)", p->conf.name,
				      p->kl.up ? "up" : "down", p->kl.ifname,
				      p->kl.gone ? " removed" : "");
		if ((ch & VS_KLINK_MTU) && !p->kl.gone) {
			vs_dp_noticef(dp, "port %s: interface %s mtu %u", p->conf.name,
				      p->kl.ifname, p->kl.mtu);
			sw_mtu[p->sw] = true;
		}
	}
	return all;
}

/* After a batch of notifications: host vNICs follow their uplinks, and the
 * workers get what changed. */
static void
vs_dp_link_settle(struct vs_dp *dp, unsigned int all, const bool sw_mtu[VS_MAX_SWITCHES])
{
	unsigned int s;

	if (all & VS_KLINK_MTU)
		for (s = 0; s < VS_MAX_SWITCHES; s++)
			if (sw_mtu[s])
				(void)vs_dp_host_mtu_follow(dp, s);
	/* On failure (no memory) the workers keep the previous view; the
	 * next change publishes again. */
	if (all & (VS_KLINK_UP | VS_KLINK_MTU))
		(void)vs_dp_publish(dp);
}

unsigned int
vs_dp_link_event(struct vs_dp *dp, const struct vs_nl_link *l)
{
	bool sw_mtu[VS_MAX_SWITCHES] = {false};
	unsigned int all = vs_dp_link_apply(dp, l, sw_mtu);

	vs_dp_link_settle(dp, all, sw_mtu);
	return all;
}

struct vs_link_batch {
	struct vs_dp *dp;
	unsigned int all;
	bool sw_mtu[VS_MAX_SWITCHES];
};

static void
vs_dp_on_link(const struct vs_nl_link *l, void *arg)
{
	struct vs_link_batch *b = arg;

	if (l->resync)
		b->dp->link_resync = true;
	b->all |= vs_dp_link_apply(b->dp, l, b->sw_mtu);
}

int
vs_dp_link_poll(struct vs_dp *dp)
{
	struct vs_link_batch b;
	unsigned int i;
	int n;

	if (dp->nl == NULL)
		return 0;
	memset(&b, 0, sizeof(b));
	b.dp = dp;
	dp->link_resync = false;
	for (i = 0; i < VS_MAX_PORTS; i++)
		dp->ports[i].kl.seen = false;
	n = vs_nl_process(dp->nl, vs_dp_on_link, &b);
	if (n > 0 && dp->link_resync) {
		/* The dump of every link is whole: what it lacks is gone. */
		for (i = 0; i < VS_MAX_PORTS; i++) {
			struct vs_klink *k = &dp->ports[i].kl;
			struct vs_nl_link gone = {.gone = true};

			if (!dp->ports[i].in_use || !k->tracked || k->gone || k->ifindex == 0 ||
			    k->seen)
				continue;
			gone.ifindex = k->ifindex;
			snprintf(gone.ifname, sizeof(gone.ifname), "%s", k->ifname);
			b.all |= vs_dp_link_apply(dp, &gone, b.sw_mtu);
		}
		dp->link_resync = false;
	}
	vs_dp_link_settle(dp, b.all, b.sw_mtu);
	return n;
}
