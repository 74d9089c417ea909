/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel interfaces through libnl-route-3 (contract in netlink_priv.h).
 *
 * Kernel errors.  libnl turns the kernel's errno into its own NLE_* codes,
 * several errnos to one code, and has no support for extended acks.  The
 * request socket therefore has an error callback that keeps the kernel's
 * errno and, with NETLINK_EXT_ACK set on the socket, the kernel's reason
 * string; messages are built from those, and libnl's code is used only when
 * the failure was not the kernel's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "netlink_priv.h"
#include "netlink_sock_priv.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Datagrams read per vs_nl_process call: bounds the time spent in one
 * call; the fd stays readable while more are queued. */
#define VS_NL_DRAIN_MAX 256
/* Notification socket buffer: a burst of link changes (hundreds of
 * interfaces going down together) should not overflow it.  The kernel caps
 * the request at net.core.rmem_max. */
#define VS_NL_EV_RCVBUF (1u << 20)

/* struct vs_nl: netlink_sock_priv.h */

int
vs_nl_ifname_check(const char *ifname, char *err, size_t errlen)
{
	size_t n;

	if (ifname == NULL || ifname[0] == '\0') {
		snprintf(err, errlen, "ifname: expected an interface name");
		return -EINVAL;
	}
	n = strnlen(ifname, VS_NL_IFNAMSIZ);
	if (n >= VS_NL_IFNAMSIZ) {
		snprintf(err, errlen, "ifname %.*s...: longer than %d characters",
			 VS_NL_IFNAMSIZ - 1, ifname, VS_NL_IFNAMSIZ - 1);
		return -EINVAL;
	}
	/* The kernel's own rule (dev_valid_name); it also keeps the name safe
	 * inside /proc and /sys paths. */
	if (strcmp(ifname, ".") == 0 || strcmp(ifname, "..") == 0 ||
	    strpbrk(ifname, "/: \t\n\r\v\f") != NULL) {
		snprintf(err, errlen, "ifname %s: not a valid interface name", ifname);
		return -EINVAL;
	}
	return 0;
}

/* libnl's codes for failures that were not the kernel's (allocation,
 * socket errors) back to an errno. */
static int
vs_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_INTR:
		return EINTR;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return ENODEV;
	case NLE_INVAL:
		return EINVAL;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_EXIST:
		return EEXIST;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_RANGE:
		return ERANGE;
	default:
		return EIO;
	}
}

/*
 * Error callback of the request socket.  libnl hands over the payload of an
 * NLMSG_ERROR message; the header precedes it.  With NLM_F_ACK_TLVS the
 * kernel appends attributes after struct nlmsgerr and, unless capped
 * (NETLINK_CAP_ACK), after the echoed request (linux/netlink.h).
 */
static int
vs_nl_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vs_nl *nl = arg;
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = sizeof(*e), total;

	(void)who;
	nl->kerr = -e->error;
	nl->kmsg[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return NL_STOP;
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	/* libnl checked that the header and struct nlmsgerr fit. */
	off = NLMSG_ALIGN(off);
	total = h->nlmsg_len - NLMSG_HDRLEN;
	if (off > total)
		return NL_STOP;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off), (int)(total - off),
		      NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG] != NULL)
		nla_strlcpy(nl->kmsg, tb[NLMSGERR_ATTR_MSG], sizeof(nl->kmsg));
	return NL_STOP; /* libnl's usual handling: the request fails */
}

void
vs_nl_req_begin(struct vs_nl *nl)
{
	nl->kerr = 0;
	nl->kmsg[0] = '\0';
}

/* Writes "<what>: <reason>" for a failed request and returns -errno. */
int
vs_nl_req_fail(struct vs_nl *nl, int nlerr, char *err, size_t errlen, const char *fmt, ...)
{
	char what[128];
	va_list ap;
	int e;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (nl->kerr > 0) {
		e = nl->kerr;
		if (nl->kmsg[0] != '\0')
			snprintf(err, errlen, "%s: %s (%s)", what, strerror(e), nl->kmsg);
		else
			snprintf(err, errlen, "%s: %s", what, strerror(e));
	} else {
		e = vs_nl_errno(nlerr);
		snprintf(err, errlen, "%s: %s", what, nl_geterror(nlerr));
	}
	return -e;
}

static void
vs_nl_link_from(struct rtnl_link *rl, struct vs_nl_link *l)
{
	struct nl_addr *a = rtnl_link_get_addr(rl);
	const char *name = rtnl_link_get_name(rl);
	unsigned int flags = rtnl_link_get_flags(rl);
	uint8_t oper = rtnl_link_get_operstate(rl);

	memset(l, 0, sizeof(*l));
	if (name != NULL)
		snprintf(l->ifname, sizeof(l->ifname), "%s", name);
	l->ifindex = rtnl_link_get_ifindex(rl);
	if (a != NULL && nl_addr_get_len(a) == sizeof(l->mac))
		memcpy(l->mac, nl_addr_get_binary_addr(a), sizeof(l->mac));
	l->mtu = rtnl_link_get_mtu(rl);
	l->admin_up = (flags & IFF_UP) != 0;
	/* Drivers that never report an operstate (tun, loopback) leave it
	 * UNKNOWN; then the carrier flag is all there is (RFC 2863 §3.1.12). */
	l->oper_up = oper == IF_OPER_UP || (oper == IF_OPER_UNKNOWN && (flags & IFF_LOWER_UP));
	l->rx_packets = rtnl_link_get_stat(rl, RTNL_LINK_RX_PACKETS);
	l->tx_packets = rtnl_link_get_stat(rl, RTNL_LINK_TX_PACKETS);
	l->rx_bytes = rtnl_link_get_stat(rl, RTNL_LINK_RX_BYTES);
	l->tx_bytes = rtnl_link_get_stat(rl, RTNL_LINK_TX_BYTES);
	l->rx_dropped = rtnl_link_get_stat(rl, RTNL_LINK_RX_DROPPED);
	l->tx_dropped = rtnl_link_get_stat(rl, RTNL_LINK_TX_DROPPED);
}

/* Each parsed link of a notification. */
static void
vs_nl_ev_obj(struct nl_object *obj, void *arg)
{
	struct vs_nl *nl = arg;
	struct rtnl_link *rl = (struct rtnl_link *)obj;
	struct vs_nl_link l;

	/* RTNLGRP_LINK also carries per-family views of a link (AF_INET6
	 * protocol info, AF_BRIDGE port info) without operstate or stats;
	 * only the generic message describes the interface. */
	if (rtnl_link_get_family(rl) != AF_UNSPEC)
		return;
	vs_nl_link_from(rl, &l);
	l.gone = nl_object_get_msgtype(obj) == RTM_DELLINK;
	nl->on_link(&l, nl->arg);
	nl->n_cb++;
}

static int
vs_nl_ev_msg(struct nl_msg *msg, void *arg)
{
	int type = nlmsg_hdr(msg)->nlmsg_type;

	if (type == RTM_NEWLINK || type == RTM_DELLINK)
		nl_msg_parse(msg, vs_nl_ev_obj, arg);
	return NL_OK;
}

int
vs_nl_open(struct vs_nl **out, char *err, size_t errlen)
{
	struct vs_nl *nl;
	struct nl_cb *cb;
	int one = 1, rc;

	*out = NULL;
	nl = calloc(1, sizeof(*nl));
	if (nl == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		return -ENOMEM;
	}
	nl->req = nl_socket_alloc();
	nl->ev = nl_socket_alloc();
	if (nl->req == NULL || nl->ev == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		rc = -ENOMEM;
		goto error;
	}

	rc = nl_connect(nl->req, NETLINK_ROUTE);
	if (rc < 0) {
		snprintf(err, errlen, "netlink: cannot open a request socket: %s", nl_geterror(rc));
		rc = -vs_nl_errno(rc);
		goto error;
	}
	/* Best effort: kernels before 4.12 refuse these; errors then carry
	 * the errno alone. */
	setsockopt(nl_socket_get_fd(nl->req), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->req), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	cb = nl_socket_get_cb(nl->req);
	if (cb == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		rc = -ENOMEM;
		goto error;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, vs_nl_err_cb, nl);
	nl_cb_put(cb);

	/* Notifications come unasked: no sequence numbers to match. */
	nl_socket_disable_seq_check(nl->ev);
	nl_socket_modify_cb(nl->ev, NL_CB_VALID, NL_CB_CUSTOM, vs_nl_ev_msg, nl);
	rc = nl_connect(nl->ev, NETLINK_ROUTE);
	if (rc == 0)
		rc = nl_socket_add_membership(nl->ev, RTNLGRP_LINK);
	if (rc == 0)
		rc = nl_socket_set_nonblocking(nl->ev);
	if (rc == 0)
		rc = nl_socket_set_buffer_size(nl->ev, (int)VS_NL_EV_RCVBUF, 0);
	if (rc < 0) {
		snprintf(err, errlen, "netlink: cannot subscribe to link notifications: %s",
			 nl_geterror(rc));
		rc = -vs_nl_errno(rc);
		goto error;
	}
	*out = nl;
	return 0;

error:
	vs_nl_close(nl);
	return rc;
}

void
vs_nl_close(struct vs_nl *nl)
{
	if (nl == NULL)
		return;
	nl_socket_free(nl->ev); /* closes the socket; NULL is fine */
	nl_socket_free(nl->req);
	free(nl);
}

int
vs_nl_fd(const struct vs_nl *nl)
{
	return nl_socket_get_fd(nl->ev);
}

/* Notifications were lost: report every link as it is now. */
static int
vs_nl_resync(struct vs_nl *nl)
{
	struct nl_cache *cache;
	struct nl_object *o;
	int rc;

	vs_nl_req_begin(nl);
	rc = rtnl_link_alloc_cache(nl->req, AF_UNSPEC, &cache);
	if (rc < 0)
		return -(nl->kerr > 0 ? nl->kerr : vs_nl_errno(rc));
	for (o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
		struct vs_nl_link l;

		vs_nl_link_from((struct rtnl_link *)o, &l);
		l.resync = true;
		nl->on_link(&l, nl->arg);
		nl->n_cb++;
	}
	nl_cache_free(cache);
	return 0;
}

int
vs_nl_process(struct vs_nl *nl, vs_nl_link_fn on_link, void *arg)
{
	struct nl_cb *cb = nl_socket_get_cb(nl->ev); /* a reference */
	int i, rc = 0;

	if (cb == NULL)
		return -ENOMEM;
	nl->on_link = on_link;
	nl->arg = arg;
	nl->n_cb = 0;
	for (i = 0; i < VS_NL_DRAIN_MAX; i++) {
		/* Reads one datagram; 0 messages or NLE_AGAIN: queue empty. */
		rc = nl_recvmsgs_report(nl->ev, cb);
		if (rc > 0)
			continue;
		if (rc == 0 || rc == -NLE_AGAIN) {
			rc = 0;
			if (nl->resync) {
				rc = vs_nl_resync(nl);
				nl->resync = rc < 0;
			}
			break;
		}
		/*
		 * libnl reports the socket's ENOBUFS (the kernel dropped
		 * notifications) as NLE_NOMEM.  The kernel reports it before
		 * the older notifications still queued: those are delivered
		 * first, and the dump of every link comes after them.
		 */
		if (rc == -NLE_NOMEM) {
			nl->resync = true;
			continue;
		}
		rc = -vs_nl_errno(rc);
		break;
	}
	nl_cb_put(cb);
	nl->on_link = NULL;
	nl->arg = NULL;
	return rc < 0 ? rc : nl->n_cb;
}

/* The kernel's view of ifname; *out to rtnl_link_put. */
int
vs_nl_lookup(struct vs_nl *nl, const char *ifname, struct rtnl_link **out, char *err,
	     size_t errlen)
{
	int rc = vs_nl_ifname_check(ifname, err, errlen);

	if (rc < 0)
		return rc;
	vs_nl_req_begin(nl);
	rc = rtnl_link_get_kernel(nl->req, 0, ifname, out);
	if (rc < 0)
		return vs_nl_req_fail(nl, rc, err, errlen, "ifname %s", ifname);
	return 0;
}

int
vs_nl_link_get(struct vs_nl *nl, const char *ifname, struct vs_nl_link *out, char *err,
	       size_t errlen)
{
	struct rtnl_link *rl;
	int rc = vs_nl_lookup(nl, ifname, &rl, err, errlen);

	if (rc < 0)
		return rc;
	vs_nl_link_from(rl, out);
	rtnl_link_put(rl);
	return 0;
}

/* Sends one change (changes holds only the attributes to set). */
static int
vs_nl_change(struct vs_nl *nl, struct rtnl_link *orig, struct rtnl_link *changes)
{
	vs_nl_req_begin(nl);
	return rtnl_link_change(nl->req, orig, changes, 0);
}

int
vs_nl_link_set(struct vs_nl *nl, const char *ifname, const uint8_t *mac, uint32_t mtu, int up,
	       char *err, size_t errlen)
{
	static const uint8_t zero[6];
	struct rtnl_link *orig = NULL, *ch = NULL;
	struct nl_addr *a = NULL;
	char macs[18] = "";
	int rc;

	if (mac != NULL) {
		snprintf(macs, sizeof(macs), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		if (mac[0] & 1) {
			snprintf(err, errlen, "mac %s: a group address cannot be an interface's",
				 macs);
			return -EINVAL;
		}
		if (memcmp(mac, zero, sizeof(zero)) == 0) {
			snprintf(err, errlen, "mac %s: the zero address cannot be an interface's",
				 macs);
			return -EINVAL;
		}
	}
	/* The upper bound is the device's: the kernel knows it (veth and tap
	 * accept 65535, NICs less).  It compares as int. */
	if (mtu != 0 && (mtu < VS_NL_MTU_MIN || mtu > INT_MAX)) {
		snprintf(err, errlen, "mtu %u: expected %u to %d (0 keeps it)", mtu, VS_NL_MTU_MIN,
			 INT_MAX);
		return -EINVAL;
	}
	if (up < -1 || up > 1) {
		snprintf(err, errlen, "up %d: expected -1 (keep), 0 (down) or 1 (up)", up);
		return -EINVAL;
	}
	rc = vs_nl_lookup(nl, ifname, &orig, err, errlen);
	if (rc < 0)
		return rc;

	if (mac != NULL) {
		ch = rtnl_link_alloc();
		a = nl_addr_build(AF_LLC, mac, 6);
		if (ch == NULL || a == NULL)
			goto nomem;
		rtnl_link_set_addr(ch, a);
		rc = vs_nl_change(nl, orig, ch);
		if (rc < 0) {
			rc = vs_nl_req_fail(nl, rc, err, errlen, "mac %s", macs);
			goto out;
		}
		rtnl_link_put(ch);
		ch = NULL;
	}
	if (mtu != 0) {
		ch = rtnl_link_alloc();
		if (ch == NULL)
			goto nomem;
		rtnl_link_set_mtu(ch, mtu);
		rc = vs_nl_change(nl, orig, ch);
		if (rc < 0) {
			rc = vs_nl_req_fail(nl, rc, err, errlen, "mtu %u", mtu);
			goto out;
		}
		rtnl_link_put(ch);
		ch = NULL;
	}
	if (up >= 0) {
		ch = rtnl_link_alloc();
		if (ch == NULL)
			goto nomem;
		/* Only IFF_UP is in the change mask; other flags stay. */
		if (up)
			rtnl_link_set_flags(ch, IFF_UP);
		else
			rtnl_link_unset_flags(ch, IFF_UP);
		rc = vs_nl_change(nl, orig, ch);
		if (rc < 0) {
			rc = vs_nl_req_fail(nl, rc, err, errlen, "up %d", up);
			goto out;
		}
	}
	rc = 0;
	goto out;

nomem:
	snprintf(err, errlen, "netlink: out of memory");
	rc = -ENOMEM;
out:
	nl_addr_put(a);
	if (ch != NULL)
		rtnl_link_put(ch);
	rtnl_link_put(orig);
	return rc;
}

