/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Persistent taps (contract in netlink_priv.h).  These are ioctls on
 * /dev/net/tun, not netlink: rtnetlink can neither make a tap persistent
 * nor give it an owner.
 *
 * Who may attach to a tap (drivers/net/tun.c, tun_not_capable): a process
 * with CAP_NET_ADMIN, or one that matches the owner (if set) and the group
 * (if set).  With neither set, any process that can open /dev/net/tun
 * (usually mode 0666) may attach and read the host's traffic: refused here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <net/if.h>

#include "netlink_priv.h"

#define VS_TUN_DEV "/dev/net/tun"

/* tun_flags of a tun/tap device (sysfs), or -errno (-ENOENT: not a tun). */
static long
vs_tap_flags(const char *ifname)
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/tun_flags", ifname);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return (long)(strtoul(buf, NULL, 0) & 0xffff);
}

int
vs_tap_exists(const char *ifname)
{
	char err[64];
	long f;

	if (vs_nl_ifname_check(ifname, err, sizeof(err)) < 0)
		return -EINVAL;
	if (if_nametoindex(ifname) == 0)
		return 0;
	f = vs_tap_flags(ifname);
	return f >= 0 && (f & IFF_TAP) ? 1 : 0;
}

/* /sys/class/net/<ifname>/<what> of a tun: its owner or group, -1 for
 * none, -2 if unreadable. */
static long
vs_tap_id(const char *ifname, const char *what)
{
	char path[80], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", ifname, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -2;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -2;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int
vs_tap_is_made(const char *ifname, int owner_uid, int group_gid)
{
	long f = vs_tap_flags(ifname);

	if (f < 0 || (f & (IFF_TAP | IFF_NO_PI | IFF_PERSIST | IFF_MULTI_QUEUE)) !=
			     (IFF_TAP | IFF_NO_PI | IFF_PERSIST))
		return 0;
	return vs_tap_id(ifname, "owner") == owner_uid && vs_tap_id(ifname, "group") == group_gid;
}

/* Opens the tun device and attaches to (or creates) ifname with flags. */
static int
vs_tap_attach(const char *ifname, short flags, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, e;

	fd = open(VS_TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "tap %s: cannot open %s: %s", ifname, VS_TUN_DEV,
			 strerror(e));
		return -e;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		close(fd);
		if (e == EBUSY)
			snprintf(err, errlen, "tap %s: attached by another process: %s", ifname,
				 strerror(e));
		else
			snprintf(err, errlen, "tap %s: TUNSETIFF: %s", ifname, strerror(e));
		return -e;
	}
	return fd;
}

int
vs_tap_create_persistent(const char *ifname, int owner_uid, int group_gid, char *err,
			 size_t errlen)
{
	int fd, rc, e;

	rc = vs_nl_ifname_check(ifname, err, errlen);
	if (rc < 0)
		return rc;
	if (owner_uid < -1) {
		snprintf(err, errlen, "owner_uid %d: expected a user id or -1", owner_uid);
		return -EINVAL;
	}
	if (group_gid < -1) {
		snprintf(err, errlen, "group_gid %d: expected a group id or -1", group_gid);
		return -EINVAL;
	}
	if (owner_uid == -1 && group_gid == -1) {
		snprintf(err, errlen,
			 "tap %s: give an owner or a group: a tap with neither can be attached by "
			 "any user",
			 ifname);
		return -EINVAL;
	}
	/* TUNSETIFF attaches to an existing tap instead of failing; this
	 * call creates, it does not take over someone's tap. */
	if (if_nametoindex(ifname) != 0) {
		snprintf(err, errlen, "tap %s: an interface with this name exists", ifname);
		return -EEXIST;
	}
	fd = vs_tap_attach(ifname, IFF_TAP | IFF_NO_PI, err, errlen);
	if (fd < 0)
		return fd;
	/* Persistence last: on any failure before it, closing fd removes
	 * the tap again. */
	if (owner_uid != -1 && ioctl(fd, TUNSETOWNER, (unsigned long)owner_uid) < 0) {
		e = errno;
		snprintf(err, errlen, "owner_uid %d: TUNSETOWNER: %s", owner_uid, strerror(e));
		goto fail;
	}
	if (group_gid != -1 && ioctl(fd, TUNSETGROUP, (unsigned long)group_gid) < 0) {
		e = errno;
		snprintf(err, errlen, "group_gid %d: TUNSETGROUP: %s", group_gid, strerror(e));
		goto fail;
	}
	if (ioctl(fd, TUNSETPERSIST, 1ul) < 0) {
		e = errno;
		snprintf(err, errlen, "tap %s: TUNSETPERSIST: %s", ifname, strerror(e));
		goto fail;
	}
	close(fd);
	return 0;

fail:
	close(fd);
	return -e;
}

int
vs_tap_delete_persistent(const char *ifname, char *err, size_t errlen)
{
	long f;
	int fd, rc, e;

	rc = vs_nl_ifname_check(ifname, err, errlen);
	if (rc < 0)
		return rc;
	/* Without this check TUNSETIFF would create the tap it is asked to
	 * delete, and report success. */
	if (if_nametoindex(ifname) == 0) {
		snprintf(err, errlen, "ifname %s: %s", ifname, strerror(ENODEV));
		return -ENODEV;
	}
	f = vs_tap_flags(ifname);
	if (f < 0 || !(f & IFF_TAP)) {
		snprintf(err, errlen, "ifname %s: not a tap", ifname);
		return -EINVAL;
	}
	/* Attaching must ask for the queue mode the tap was made with. */
	fd = vs_tap_attach(ifname, (short)(IFF_TAP | IFF_NO_PI | (f & IFF_MULTI_QUEUE)), err,
			   errlen);
	if (fd < 0)
		return fd;
	if (ioctl(fd, TUNSETPERSIST, 0ul) < 0) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "tap %s: TUNSETPERSIST: %s", ifname, strerror(e));
		return -e;
	}
	/* The last queue closing unregisters the device, before close
	 * returns. */
	close(fd);
	return 0;
}
