/* SPDX-License-Identifier: BSD-3-Clause */
/* What netlink.c (links, notifications) and netlink_addr.c (addresses,
 * IPv6 switch) share: the handle and the request error plumbing. */
#ifndef VS_NETLINK_SOCK_PRIV_H
#define VS_NETLINK_SOCK_PRIV_H

#include <stddef.h>

#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "netlink_priv.h"

struct vs_nl {
	struct nl_sock *req; /* requests; blocking */
	struct nl_sock *ev;  /* RTNLGRP_LINK; non-blocking */
	/* The last kernel refusal on req (vs_nl_err_cb). */
	int kerr;
	char kmsg[160];
	/* vs_nl_process's callback, for the duration of the call. */
	vs_nl_link_fn on_link;
	void *arg;
	int n_cb;
	bool resync; /* notifications were lost; report all once drained */
};

/* Clears the last kernel refusal before a request. */
void vs_nl_req_begin(struct vs_nl *nl);
/* Writes "<what>: <reason>" for a failed request and returns -errno. */
int vs_nl_req_fail(struct vs_nl *nl, int nlerr, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The kernel's view of ifname; *out to rtnl_link_put. */
int vs_nl_lookup(struct vs_nl *nl, const char *ifname, struct rtnl_link **out, char *err,
		 size_t errlen);

#endif
