/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel network interfaces, for the control thread: the host port (the
 * management OS's vNIC, a tap) and af_packet uplinks live in the kernel,
 * and vswitch reads and changes them here.
 *
 * netlink.c (through libnl-route-3)
 *   One struct vs_nl holds two rtnetlink sockets: a blocking one for
 *   requests (get, set, addresses), and a non-blocking one subscribed to
 *   RTNLGRP_LINK.  The control thread polls vs_nl_fd() for POLLIN and calls
 *   vs_nl_process(), which delivers every queued link notification and
 *   never blocks.  If the kernel dropped notifications because the socket
 *   buffer was full, vs_nl_process reports every existing link once, after
 *   the notifications still queued, so the caller's view converges again
 *   (a link removed during the overflow is not reported as gone: compare
 *   with what was known).
 *
 *   Requests wait for the kernel's answer; they take microseconds and are
 *   not for the datapath.  Kernel refusals carry the kernel's errno text and
 *   its own reason when it gives one (extended ack), e.g.
 *   "mtu 70000: Invalid argument (mtu greater than device maximum)".
 *
 * tap.c (ioctls on /dev/net/tun, not netlink)
 *   Persistent single-queue taps with an owner and/or group, so that an
 *   unprivileged process (a VM, the management vNIC's consumer) can attach
 *   to them and nobody else can.
 *
 * Thread safety
 *   A struct vs_nl is used by one thread at a time.  The tap and IPv6
 *   helpers hold no state.
 *
 * Errors
 *   Functions returning int return 0 (or a count where stated) or a
 *   negative errno, and write a one-line message naming the field to
 *   (err, errlen).  Interface names are checked as the kernel checks them:
 *   1 to IFNAMSIZ - 1 characters, no '/', ':' or white space, not "." or
 *   "..".
 */
#ifndef VS_NETLINK_PRIV_H
#define VS_NETLINK_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VS_NL_IFNAMSIZ 16 /* IFNAMSIZ, without dragging in <net/if.h> */
#define VS_NL_MTU_MIN 68u /* ETH_MIN_MTU: the kernel's floor for Ethernet */

struct vs_nl;

struct vs_nl_link {
	char ifname[VS_NL_IFNAMSIZ];
	int ifindex;
	uint8_t mac[6];  /* zero when the link has no 6-byte address */
	uint32_t mtu;
	bool admin_up;   /* IFF_UP */
	bool oper_up;    /* operstate UP, or UNKNOWN with IFF_LOWER_UP (taps) */
	bool gone;       /* notifications only: the interface was removed */
	bool resync;     /* reported by the dump that follows lost notifications:
			    a link known before and not reported then is gone */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
};

typedef void (*vs_nl_link_fn)(const struct vs_nl_link *l, void *arg);

/* Both sockets, connected; *out is NULL on failure. */
int vs_nl_open(struct vs_nl **out, char *err, size_t errlen);
/* NULL is allowed. */
void vs_nl_close(struct vs_nl *nl);
/* The notification socket, to poll for POLLIN. */
int vs_nl_fd(const struct vs_nl *nl);
/*
 * Calls on_link once per queued link notification (RTM_NEWLINK, and
 * RTM_DELLINK with l->gone set), in kernel order, without blocking; after
 * an overflow, once per existing link with l->resync set, all within the
 * same call.  Returns the number of calls, or a negative errno if the
 * socket failed.
 */
int vs_nl_process(struct vs_nl *nl, vs_nl_link_fn on_link, void *arg);

/* -ENODEV: no such interface. */
int vs_nl_link_get(struct vs_nl *nl, const char *ifname, struct vs_nl_link *out, char *err,
		   size_t errlen);
/*
 * Changes what is given: mac (NULL: keep; unicast only), mtu (0: keep;
 * VS_NL_MTU_MIN up to what the device accepts), up (-1 keep, 0 down, 1 up).
 * Applied in that order, one request each so that a refusal names its
 * field; the changes before a refused one stay applied.
 */
int vs_nl_link_set(struct vs_nl *nl, const char *ifname, const uint8_t *mac, uint32_t mtu,
		   int up, char *err, size_t errlen);

/*
 * cidr: "10.0.0.1/24" or "fd00::1/64"; the prefix length is required.
 * Adding an address the interface has is -EEXIST; deleting one it has not
 * is -EADDRNOTAVAIL.
 */
int vs_nl_addr_add(struct vs_nl *nl, const char *ifname, const char *cidr, char *err,
		   size_t errlen);
int vs_nl_addr_del(struct vs_nl *nl, const char *ifname, const char *cidr, char *err,
		   size_t errlen);
/*
 * The interface's IPv4 and IPv6 addresses (link-local included) in buf,
 * one "address/prefix" per line, in kernel order.  Returns how many, or
 * -ENOSPC if buf is too small.
 */
int vs_nl_addr_list(struct vs_nl *nl, const char *ifname, char *buf, size_t buflen, char *err,
		    size_t errlen);

/* Sets /proc/sys/net/ipv6/conf/<ifname>/disable_ipv6. */
int vs_nl_ipv6_disable(const char *ifname, bool disable, char *err, size_t errlen);

/*
 * Creates a persistent single-queue tap (IFF_TAP | IFF_NO_PI) that only
 * owner_uid and/or members of group_gid (-1: none) may attach to; both -1
 * is refused.  -EEXIST if any interface already has the name.
 */
int vs_tap_create_persistent(const char *ifname, int owner_uid, int group_gid, char *err,
			     size_t errlen);
/*
 * 1 if ifname is a tap as vs_tap_create_persistent makes them with these
 * owner and group (persistent, single queue): one a vswitchd that died
 * left behind, which a restart takes back.
 */
int vs_tap_is_made(const char *ifname, int owner_uid, int group_gid);
/* Removes a persistent tap; -ENODEV if there is none, -EBUSY if attached. */
int vs_tap_delete_persistent(const char *ifname, char *err, size_t errlen);
/* 1 if ifname is a tap, 0 if it is not or does not exist, -EINVAL. */
int vs_tap_exists(const char *ifname);

/* netlink.c: 0 or -EINVAL with "ifname ...: why" in err. */
int vs_nl_ifname_check(const char *ifname, char *err, size_t errlen);

#endif
