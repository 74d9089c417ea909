/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MTUs of kernel-backed ports: a host vNIC that shares an external
 * switch's uplink must not offer the management OS frames the uplink
 * cannot carry.
 *
 *   - An MTU given for the vNIC (switch.add / switch.set "host.mtu", the
 *     configuration file, port.set "mtu") larger than the uplink
 *     interface's is refused, naming both.
 *   - When the uplink's MTU drops below the vNIC's (the kernel says so),
 *     or the vNIC is created with the tap's default MTU above it, the vNIC
 *     is lowered to the uplink's MTU, the port's configuration keeps the
 *     new value (saved by the owner of the configuration file, see
 *     vs_dp_self_changes) and a notice says so.  It is not raised again
 *     when the uplink's MTU grows back: that is the user's call.
 *
 * Only an uplink on a kernel interface (net_af_packet) has a known MTU;
 * other uplinks impose nothing here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_priv.h"
#include "netlink_priv.h"

int
vs_dp_uplink_mtu(const struct vs_dp *dp, const struct vs_switch_conf *c, uint32_t *mtu,
		 char ifname[VS_IFNAME_MAX])
{
	int u = vs_dp_auto_index(dp, c->name, false);
	struct vs_nl *nl = dp->nl, *tmp = NULL;
	struct vs_nl_link l;
	char why[256];
	int rc;

	if (vs_af_packet_iface(c->uplink, ifname, VS_IFNAME_MAX) == NULL)
		return -ENOENT;
	if (u >= 0 && strcmp(dp->ports[u].conf.devargs, c->uplink) == 0) {
		const struct vs_klink *k = &dp->ports[u].kl;

		if (!k->known || k->gone || k->mtu == 0)
			return -ENOENT;
		*mtu = k->mtu;
		return 0;
	}
	/* Not bound yet (a new switch, a new uplink): ask the kernel. */
	if (nl == NULL && vs_nl_open(&tmp, why, sizeof(why)) != 0)
		return -ENOENT;
	rc = vs_nl_link_get(nl != NULL ? nl : tmp, ifname, &l, why, sizeof(why));
	vs_nl_close(tmp);
	if (rc != 0 || l.mtu == 0)
		return -ENOENT;
	*mtu = l.mtu;
	return 0;
}

int
vs_dp_host_mtu_check(const struct vs_dp *dp, const struct vs_switch_conf *c, int sw, char *err,
		     size_t errlen)
{
	char ifn[VS_IFNAME_MAX];
	uint32_t mtu, umtu;
	int h;

	if (c->type != VS_SWITCH_EXTERNAL || !c->allow_management_os)
		return 0;
	h = sw >= 0 ? vs_dp_auto_index(dp, c->name, true) : -1;
	mtu = h >= 0 ? dp->ports[h].conf.mtu : c->host_port.mtu;
	/* 0 keeps the tap's default, lowered to the uplink's if larger. */
	if (mtu == 0 || vs_dp_uplink_mtu(dp, c, &umtu, ifn) != 0 || mtu <= umtu)
		return 0;
	snprintf(err, errlen,
		 "switch %s: host.mtu: %u is larger than the MTU of the uplink's interface %s "
		 "(%u): the management OS would send frames the uplink cannot carry",
		 c->name, mtu, ifn, umtu);
	return -EINVAL;
}

int
vs_dp_host_mtu_follow(struct vs_dp *dp, unsigned int sw)
{
	const struct vs_switch_conf *s = &dp->switches[sw].conf;
	struct vs_port *hp;
	const struct vs_klink *uk;
	struct vs_klink *hk;
	char why[256];
	uint32_t old;
	int u, h;

	if (!dp->switches[sw].in_use || s->type != VS_SWITCH_EXTERNAL || !s->allow_management_os)
		return 0;
	u = vs_dp_auto_index(dp, s->name, false);
	h = vs_dp_auto_index(dp, s->name, true);
	if (u < 0 || h < 0 || dp->nl == NULL)
		return 0;
	uk = &dp->ports[u].kl;
	hp = &dp->ports[h];
	hk = &hp->kl;
	if (!uk->known || uk->gone || uk->mtu < VS_MTU_MIN || !hk->known || hk->gone ||
	    hk->mtu <= uk->mtu)
		return 0;
	old = hk->mtu;
	if (vs_nl_link_set(dp->nl, hk->ifname, NULL, uk->mtu, -1, why, sizeof(why)) != 0) {
		vs_dp_noticef(dp, "switch %s: host vNIC %s: cannot lower its MTU %u to the uplink's %u: %s",
			      s->name, hp->conf.name, old, uk->mtu, why);
		return 0;
	}
	hk->mtu = uk->mtu; /* the kernel's notification will say the same */
	/* A value the configuration file accepts back (an interface set
	 * beyond it by hand keeps "keep" instead). */
	hp->conf.mtu = uk->mtu <= VS_MTU_MAX ? uk->mtu : 0;
	dp->self_changes++;
	vs_dp_noticef(dp,
		      "switch %s: host vNIC %s (interface %s) MTU lowered from %u to %u, the MTU of "
		      "the uplink's interface %s",
		      s->name, hp->conf.name, hk->ifname, old, uk->mtu, uk->ifname);
	return 1;
}

int
vs_dp_port_set_mtu_check(const struct vs_dp *dp, const char *name, uint32_t mtu, char *err,
			 size_t errlen)
{
	int idx = vs_dp_port_index(dp, name);
	const struct vs_switch_conf *s;
	char ifn[VS_IFNAME_MAX];
	uint32_t umtu;

	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", name);
		return -ENOENT;
	}
	if (dp->ports[idx].conf.kind != VS_PORT_HOST) {
		snprintf(err, errlen,
			 "port %s: mtu: only a host vNIC takes it (a %s port's MTU is its device's or "
			 "its guest's)",
			 name, vs_port_kind_name(dp->ports[idx].conf.kind));
		return -EINVAL;
	}
	if (mtu < VS_MTU_MIN || mtu > VS_MTU_MAX) {
		snprintf(err, errlen, "port %s: mtu: expected %u to %u, got %u", name, VS_MTU_MIN,
			 VS_MTU_MAX, mtu);
		return -EINVAL;
	}
	s = &dp->switches[dp->ports[idx].sw].conf;
	if (s->type == VS_SWITCH_EXTERNAL && s->allow_management_os &&
	    vs_dp_uplink_mtu(dp, s, &umtu, ifn) == 0 && mtu > umtu) {
		snprintf(err, errlen,
			 "port %s: mtu: %u is larger than the MTU of switch %s's uplink (interface "
			 "%s: %u)",
			 name, mtu, s->name, ifn, umtu);
		return -EINVAL;
	}
	return 0;
}

int
vs_dp_port_set_mtu(struct vs_dp *dp, const char *name, uint32_t mtu, char *err, size_t errlen)
{
	struct vs_port *p;
	char why[256];
	int rc;

	(void)vs_dp_link_poll(dp); /* the check reads the link cache */
	rc = vs_dp_port_set_mtu_check(dp, name, mtu ? mtu : VS_MTU_MIN, err, errlen);

	if (rc != 0)
		return rc;
	p = &dp->ports[vs_dp_port_index(dp, name)];
	if (mtu == 0) {
		p->conf.mtu = 0;
		return 0;
	}
	rc = vs_nl_link_set(p->nl, vs_port_ifname(p), NULL, mtu, -1, why, sizeof(why));
	if (rc != 0) {
		snprintf(err, errlen, "port %s: %s", name, why);
		return rc;
	}
	p->conf.mtu = mtu;
	if (p->kl.known && !p->kl.gone && p->kl.mtu != mtu) {
		p->kl.mtu = mtu;
		return vs_dp_publish(dp);
	}
	return 0;
}
