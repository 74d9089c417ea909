/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses on kernel interfaces, and their IPv6 switch (contract in
 * netlink_priv.h; the request plumbing is netlink.c's). */
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

/*
 * "address/prefix", IPv4 or IPv6.  nl_addr_parse also takes names
 * ("default"), MAC and DECnet forms, and reads the prefix with strtol
 * (octal, sign, trailing junk, no range), so the prefix is checked here.
 */
static int
vs_nl_cidr_parse(const char *cidr, struct nl_addr **out, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 5];
	const char *slash, *p;
	unsigned long pl;
	unsigned int max;
	int family, rc;

	*out = NULL;
	if (cidr == NULL || strnlen(cidr, sizeof(buf)) >= sizeof(buf)) {
		snprintf(err, errlen,
			 "cidr: expected address/prefix, e.g. 10.0.0.1/24 or fd00::1/64");
		return -EINVAL;
	}
	slash = strchr(cidr, '/');
	if (slash == NULL) {
		snprintf(err, errlen, "cidr %s: missing /prefix", cidr);
		return -EINVAL;
	}
	for (p = slash + 1; *p >= '0' && *p <= '9'; p++)
		;
	if (p == slash + 1 || *p != '\0' || p - slash > 4 || (slash[1] == '0' && p - slash > 2)) {
		snprintf(err, errlen, "cidr %s: the prefix must be a decimal number", cidr);
		return -EINVAL;
	}
	pl = strtoul(slash + 1, NULL, 10);
	family = strchr(cidr, ':') != NULL ? AF_INET6 : AF_INET;
	max = family == AF_INET6 ? 128 : 32;
	if (pl > max) {
		snprintf(err, errlen, "cidr %s: prefix %lu is longer than %u", cidr, pl, max);
		return -EINVAL;
	}
	rc = nl_addr_parse(cidr, family, out);
	if (rc < 0 || nl_addr_get_family(*out) != family ||
	    nl_addr_get_len(*out) != (family == AF_INET6 ? 16u : 4u)) {
		nl_addr_put(*out);
		*out = NULL;
		if (rc == -NLE_NOMEM) {
			snprintf(err, errlen, "netlink: out of memory");
			return -ENOMEM;
		}
		snprintf(err, errlen, "cidr %s: not an IPv%c address", cidr,
			 family == AF_INET6 ? '6' : '4');
		return -EINVAL;
	}
	return 0;
}

static int
vs_nl_addr_op(struct vs_nl *nl, const char *ifname, const char *cidr, bool add, char *err,
	      size_t errlen)
{
	struct rtnl_link *rl = NULL;
	struct rtnl_addr *ra = NULL;
	struct nl_addr *a = NULL;
	int rc;

	rc = vs_nl_ifname_check(ifname, err, errlen);
	if (rc == 0)
		rc = vs_nl_cidr_parse(cidr, &a, err, errlen);
	if (rc == 0)
		rc = vs_nl_lookup(nl, ifname, &rl, err, errlen);
	if (rc < 0)
		goto out;
	ra = rtnl_addr_alloc();
	if (ra == NULL) {
		snprintf(err, errlen, "netlink: out of memory");
		rc = -ENOMEM;
		goto out;
	}
	rtnl_addr_set_ifindex(ra, rtnl_link_get_ifindex(rl));
	rc = rtnl_addr_set_local(ra, a); /* also sets family and prefix */
	if (rc == 0) {
		vs_nl_req_begin(nl);
		/* NLM_F_EXCL: an address already there is an error, not a
		 * silent success that would hide a clash. */
		rc = add ? rtnl_addr_add(nl->req, ra, NLM_F_EXCL)
			 : rtnl_addr_delete(nl->req, ra, 0);
	}
	if (rc < 0)
		rc = vs_nl_req_fail(nl, rc, err, errlen, "cidr %s", cidr);
out:
	if (ra != NULL)
		rtnl_addr_put(ra);
	if (rl != NULL)
		rtnl_link_put(rl);
	nl_addr_put(a);
	return rc;
}

int
vs_nl_addr_add(struct vs_nl *nl, const char *ifname, const char *cidr, char *err, size_t errlen)
{
	return vs_nl_addr_op(nl, ifname, cidr, true, err, errlen);
}

int
vs_nl_addr_del(struct vs_nl *nl, const char *ifname, const char *cidr, char *err, size_t errlen)
{
	return vs_nl_addr_op(nl, ifname, cidr, false, err, errlen);
}

int
vs_nl_addr_list(struct vs_nl *nl, const char *ifname, char *buf, size_t buflen, char *err,
		size_t errlen)
{
	struct rtnl_link *rl;
	struct nl_cache *cache;
	struct nl_object *o;
	size_t used = 0;
	int rc, n = 0, idx;

	if (buf == NULL || buflen == 0) {
		snprintf(err, errlen, "buf: no room for the list");
		return -EINVAL;
	}
	buf[0] = '\0';
	rc = vs_nl_lookup(nl, ifname, &rl, err, errlen);
	if (rc < 0)
		return rc;
	idx = rtnl_link_get_ifindex(rl);
	rtnl_link_put(rl);
	vs_nl_req_begin(nl);
	rc = rtnl_addr_alloc_cache(nl->req, &cache);
	if (rc < 0)
		return vs_nl_req_fail(nl, rc, err, errlen, "addresses of %s", ifname);
	for (o = nl_cache_get_first(cache); o != NULL; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct nl_addr *a = rtnl_addr_get_local(ra);
		int family = rtnl_addr_get_family(ra);
		char txt[INET6_ADDRSTRLEN];
		int w;

		if (rtnl_addr_get_ifindex(ra) != idx || a == NULL ||
		    (family != AF_INET && family != AF_INET6) ||
		    inet_ntop(family, nl_addr_get_binary_addr(a), txt, sizeof(txt)) == NULL)
			continue;
		w = snprintf(buf + used, buflen - used, "%s/%d\n", txt,
			     rtnl_addr_get_prefixlen(ra));
		if (w < 0 || (size_t)w >= buflen - used) {
			buf[used] = '\0';
			snprintf(err, errlen, "buf: %zu bytes are too few for the addresses of %s",
				 buflen, ifname);
			nl_cache_free(cache);
			return -ENOSPC;
		}
		used += (size_t)w;
		n++;
	}
	nl_cache_free(cache);
	return n;
}

/* libnl reads IPv6 settings (IFLA_INET6_CONF) but cannot write them, and
 * the kernel takes disable_ipv6 only through sysctl: hence /proc. */
int
vs_nl_ipv6_disable(const char *ifname, bool disable, char *err, size_t errlen)
{
	char path[96];
	const char *v = disable ? "1\n" : "0\n";
	ssize_t w;
	int fd, rc, e;

	rc = vs_nl_ifname_check(ifname, err, errlen);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT && access("/proc/sys/net/ipv6/conf", F_OK) != 0) {
			snprintf(err, errlen, "ipv6: this kernel has no IPv6");
			return -EOPNOTSUPP;
		}
		if (e == ENOENT) {
			snprintf(err, errlen, "ifname %s: %s", ifname, strerror(ENODEV));
			return -ENODEV;
		}
		snprintf(err, errlen, "ipv6 on %s: cannot open %s: %s", ifname, path, strerror(e));
		return -e;
	}
	w = write(fd, v, 2);
	e = errno;
	close(fd);
	if (w != 2) {
		e = w < 0 ? e : EIO;
		snprintf(err, errlen, "ipv6 on %s: cannot write %s: %s", ifname, path, strerror(e));
		return -e;
	}
	return 0;
}
