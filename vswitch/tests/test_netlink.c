/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel interfaces against real kernel objects (needs root): a veth pair
 * and taps named after the test's PID.  Covers MAC/MTU/state set and read
 * back, counters, the kernel's refusals and ours, IPv4 and IPv6 addresses,
 * disable_ipv6, link notifications (a peer going down is seen within a
 * second by polling the fd; lost notifications make every link reported
 * again), and persistent taps: owned, attachable by the owner only,
 * surviving their creator, refused without owner or group, deleted.  The
 * suite's cleanup removes everything it may have created; its set-up
 * removes what a run that died (crash, kill) left behind.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "netlink_priv.h"
#include "test_env.h"

#define NOBODY 65534

static struct nl_sock *tsk; /* the test's own socket: veth create/delete */
static struct vs_nl *nl;
static char va[IFNAMSIZ], vb[IFNAMSIZ], tap[IFNAMSIZ], tap2[IFNAMSIZ];

/* Interfaces left by a run of this suite that died before its cleanup
 * (a crash, a kill): vsnl<pid><letter> whose process is gone. */
static void
sweep_stale(void)
{
	char err[256];
	struct rtnl_link *l;
	struct dirent *d;
	DIR *dir = opendir("/sys/class/net");
	int pid, end;
	char c;

	if (dir == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		end = 0;
		if (sscanf(d->d_name, "vsnl%d%c%n", &pid, &c, &end) != 2 || pid <= 0 ||
		    d->d_name[end] != '\0' || strchr("abtu", c) == NULL)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue; /* its run is still going */
		if (vs_tap_exists(d->d_name) == 1) {
			vs_tap_delete_persistent(d->d_name, err, sizeof(err));
		} else if ((l = rtnl_link_alloc()) != NULL) {
			rtnl_link_set_name(l, d->d_name);
			rtnl_link_delete(tsk, l);
			rtnl_link_put(l);
		}
	}
	closedir(dir);
}

static int
setup(void)
{
	char err[256];
	int pid = (int)getpid();

	snprintf(va, sizeof(va), "vsnl%da", pid);
	snprintf(vb, sizeof(vb), "vsnl%db", pid);
	snprintf(tap, sizeof(tap), "vsnl%dt", pid);
	snprintf(tap2, sizeof(tap2), "vsnl%du", pid);
	tsk = nl_socket_alloc();
	if (tsk == NULL || nl_connect(tsk, NETLINK_ROUTE) < 0)
		return -1;
	sweep_stale();
	if (rtnl_link_veth_add(tsk, va, vb, getpid()) < 0) {
		fprintf(stderr, "netlink suite: cannot create veth %s/%s\n", va, vb);
		return -1;
	}
	if (vs_nl_open(&nl, err, sizeof(err)) != 0) {
		fprintf(stderr, "netlink suite: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void)
{
	char err[256];
	struct rtnl_link *l;

	if (vs_tap_exists(tap) == 1)
		vs_tap_delete_persistent(tap, err, sizeof(err));
	if (vs_tap_exists(tap2) == 1)
		vs_tap_delete_persistent(tap2, err, sizeof(err));
	if (tsk != NULL && if_nametoindex(va) != 0) {
		l = rtnl_link_alloc();
		if (l != NULL) {
			rtnl_link_set_name(l, va); /* takes the peer with it */
			rtnl_link_delete(tsk, l);
			rtnl_link_put(l);
		}
	}
	vs_nl_close(nl);
	nl = NULL;
	nl_socket_free(tsk);
	tsk = NULL;
	return 0;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The first line of a sysfs/procfs file, without its newline. */
static int
read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	if (fgets(buf, (int)len, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the notifications said about the interfaces of interest. */
struct seen {
	int a_idx, b_idx;
	int a_oper;   /* -1: no news; else the last oper_up of va */
	int b_admin;  /* -1: no news; else the last admin_up of vb */
	bool tap_new, tap_gone;
	int calls;
};

static void
on_link(const struct vs_nl_link *l, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	if (l->ifindex == s->a_idx && !l->gone)
		s->a_oper = l->oper_up;
	if (l->ifindex == s->b_idx && !l->gone)
		s->b_admin = l->admin_up;
	if (strcmp(l->ifname, tap) == 0) {
		if (l->gone)
			s->tap_gone = true;
		else
			s->tap_new = true;
	}
}

/* Polls the notification fd until done(s) or timeout_ms; true if done. */
static bool
wait_for(struct seen *s, bool (*done)(const struct seen *), int timeout_ms)
{
	int64_t end = now_ms() + timeout_ms;
	struct pollfd p = {.fd = vs_nl_fd(nl), .events = POLLIN};

	for (;;) {
		int64_t left = end - now_ms();

		if (done(s))
			return true;
		if (left <= 0)
			return false;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return false;
		if (p.revents & POLLIN)
			CU_ASSERT(vs_nl_process(nl, on_link, s) >= 0);
	}
}

static bool
a_oper_up(const struct seen *s)
{
	return s->a_oper == 1;
}

static bool
peer_down_seen(const struct seen *s)
{
	return s->a_oper == 0 && s->b_admin == 0;
}

static bool
tap_gone_seen(const struct seen *s)
{
	return s->tap_new && s->tap_gone;
}

static void
test_set_get(void)
{
	const uint8_t mac[6] = {0x02, 0x5e, 0x10, 0x20, (uint8_t)(getpid() >> 8),
				(uint8_t)getpid()};
	struct vs_nl_link l;
	char err[256];

	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, mac, 1400, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &l, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(l.ifname, va);
	CU_ASSERT_EQUAL(l.ifindex, (int)if_nametoindex(va));
	CU_ASSERT_EQUAL(memcmp(l.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(l.mtu, 1400);
	CU_ASSERT_TRUE(l.admin_up);
	CU_ASSERT_FALSE(l.gone);

	/* Only what is given changes. */
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &l, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(l.admin_up);
	CU_ASSERT_FALSE(l.oper_up);
	CU_ASSERT_EQUAL(l.mtu, 1400);
	CU_ASSERT_EQUAL(memcmp(l.mac, mac, 6), 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 1500, -1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &l, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.mtu, 1500);
	CU_ASSERT_FALSE(l.admin_up);
}

/* Frames sent into vb arrive on va: both ends' counters move. */
static void
test_counters(void)
{
	struct vs_nl_link a0, b0, a1, b1;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_halen = 6};
	uint8_t frame[60];
	char err[256];
	int fd, i, sent = 0;

	CU_ASSERT_EQUAL_FATAL(vs_nl_link_set(nl, va, NULL, 0, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(vs_nl_link_set(nl, vb, NULL, 0, 1, err, sizeof(err)), 0);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(fd >= 0);
	sll.sll_ifindex = (int)if_nametoindex(vb);
	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);     /* broadcast */
	frame[6] = 0x02;            /* a locally administered source */
	frame[12] = 0x88;           /* local experimental ethertype */
	frame[13] = 0xb5;

	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &a0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, vb, &b0, err, sizeof(err)), 0);
	for (i = 0; i < 5; i++)
		if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll)) ==
		    (ssize_t)sizeof(frame))
			sent++;
	CU_ASSERT_EQUAL(sent, 5);
	/* veth counts both ends inside the sender's transmit call. */
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &a1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, vb, &b1, err, sizeof(err)), 0);
	CU_ASSERT(b1.tx_packets - b0.tx_packets >= 5);
	CU_ASSERT(b1.tx_bytes - b0.tx_bytes >= 5 * sizeof(frame));
	CU_ASSERT(a1.rx_packets - a0.rx_packets >= 5);
	CU_ASSERT(a1.rx_bytes - a0.rx_bytes >= 5 * sizeof(frame));

	/* With va down, vb's frames have nowhere to go. */
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 0, 0, err, sizeof(err)), 0);
	for (i = 0; i < 3; i++)
		sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll, sizeof(sll));
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &a1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, vb, &b0, err, sizeof(err)), 0);
	CU_ASSERT(b0.tx_dropped - b1.tx_dropped + a1.rx_dropped >= 3);
	close(fd);
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, vb, NULL, 0, 0, err, sizeof(err)), 0);
}

static void
test_refusals(void)
{
	const uint8_t group[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
	const uint8_t zero[6] = {0};
	struct vs_nl_link l;
	char err[256], name[64];

	/* The kernel's refusal, in its words. */
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 70000, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "mtu 70000: Invalid argument"));
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, va, &l, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.mtu, 1500);

	/* Ours. */
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 20, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "mtu 20: "));
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, group, 0, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "mac 01:00:5e:00:00:01: "));
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, zero, 0, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "mac 00:00:00:00:00:00: "));
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 0, 2, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "up 2: "));
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, "0123456789abcdef", &l, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "ifname 0123456789abcde...: "));
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, "", &l, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "ifname: "));
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, "../x", &l, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(vs_nl_ipv6_disable("..", true, err, sizeof(err)), -EINVAL);

	snprintf(name, sizeof(name), "vsnl%dz", (int)getpid());
	CU_ASSERT_EQUAL(vs_nl_link_get(nl, name, &l, err, sizeof(err)), -ENODEV);
	CU_ASSERT_TRUE(starts_with(err, "ifname ") && strstr(err, name) != NULL);
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, name, NULL, 1500, -1, err, sizeof(err)), -ENODEV);
	CU_ASSERT_EQUAL(vs_nl_ipv6_disable(name, true, err, sizeof(err)), -ENODEV);
}

static bool
has_line(const char *list, const char *line)
{
	size_t n = strlen(line);
	const char *p = list;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == list || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

static void
test_addresses(void)
{
	static const char *const bad[] = {
		"192.0.2.1", "192.0.2.1/33", "192.0.2.1/24x", "192.0.2.1/-1", "192.0.2.1/024",
		"2001:db8::1/129", "bogus/24", "default/0", "02:00:00:00:00:01/48", "/24",
		"192.0.2/24",
	};
	char err[256], list[1024], path[96], v[8];
	size_t i;

	CU_ASSERT_EQUAL(vs_nl_addr_add(nl, va, "192.0.2.1/24", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_addr_add(nl, va, "2001:db8:77::1/64", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_addr_list(nl, va, list, sizeof(list), err, sizeof(err)), 2);
	CU_ASSERT_TRUE(has_line(list, "192.0.2.1/24"));
	CU_ASSERT_TRUE(has_line(list, "2001:db8:77::1/64"));

	CU_ASSERT_EQUAL(vs_nl_addr_add(nl, va, "192.0.2.1/24", err, sizeof(err)), -EEXIST);
	CU_ASSERT_TRUE(starts_with(err, "cidr 192.0.2.1/24: File exists"));
	CU_ASSERT_EQUAL(vs_nl_addr_list(nl, va, list, 8, err, sizeof(err)), -ENOSPC);
	CU_ASSERT_TRUE(starts_with(err, "buf: "));

	CU_ASSERT_EQUAL(vs_nl_addr_del(nl, va, "192.0.2.1/24", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_addr_del(nl, va, "2001:db8:77::1/64", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_addr_list(nl, va, list, sizeof(list), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(list, "");
	CU_ASSERT_EQUAL(vs_nl_addr_del(nl, va, "192.0.2.1/24", err, sizeof(err)), -EADDRNOTAVAIL);
	CU_ASSERT_TRUE(starts_with(err, "cidr 192.0.2.1/24: "));

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(vs_nl_addr_add(nl, va, bad[i], err, sizeof(err)), -EINVAL);
		CU_ASSERT_TRUE(starts_with(err, "cidr "));
	}

	/* disable_ipv6: the kernel then refuses IPv6 addresses. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", va);
	CU_ASSERT_EQUAL(vs_nl_ipv6_disable(va, true, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "1") == 0);
	CU_ASSERT_TRUE(vs_nl_addr_add(nl, va, "2001:db8:77::1/64", err, sizeof(err)) < 0);
	CU_ASSERT_TRUE(starts_with(err, "cidr 2001:db8:77::1/64: "));
	CU_ASSERT_EQUAL(vs_nl_ipv6_disable(va, false, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "0") == 0);
	CU_ASSERT_EQUAL(vs_nl_addr_add(nl, va, "2001:db8:77::1/64", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_addr_del(nl, va, "2001:db8:77::1/64", err, sizeof(err)), 0);
}

static void
test_notifications(void)
{
	struct seen s = {.a_idx = (int)if_nametoindex(va), .b_idx = (int)if_nametoindex(vb),
			 .a_oper = -1, .b_admin = -1};
	char err[256];

	/* Nothing queued that we caused: returns at once, never blocks. */
	CU_ASSERT(vs_nl_process(nl, on_link, &s) >= 0);

	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 0, 1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, vb, NULL, 0, 1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(wait_for(&s, a_oper_up, 1000));

	/* The peer goes down: va loses its carrier. */
	s.a_oper = -1;
	s.b_admin = -1;
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, vb, NULL, 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(wait_for(&s, peer_down_seen, 1000));

	/* A removed interface is reported as gone. */
	CU_ASSERT_EQUAL_FATAL(vs_tap_create_persistent(tap, NOBODY, -1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_tap_delete_persistent(tap, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(wait_for(&s, tap_gone_seen, 1000));
	CU_ASSERT(s.calls > 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(nl, va, NULL, 0, 0, err, sizeof(err)), 0);
}

struct lost {
	bool lo;   /* the loopback was reported: only a resync does that */
	int calls;
};

static void
on_link_lost(const struct vs_nl_link *l, void *arg)
{
	struct lost *s = arg;

	s->calls++;
	if (l->ifindex == 1)
		s->lo = true;
}

/* More changes than the socket buffer holds, unread: the kernel drops
 * notifications, and vs_nl_process then reports every link. */
static void
test_overflow(void)
{
	struct lost s = {0};
	char err[256];
	int i, rc, n = 0, small = 4096, big = 1 << 20;

	/* A small buffer, so that a few hundred changes overflow it. */
	CU_ASSERT_EQUAL(setsockopt(vs_nl_fd(nl), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	for (i = 0; i < 400; i++)
		if (vs_nl_link_set(nl, vb, NULL, 0, !(i & 1), err, sizeof(err)) == 0)
			n++;
	CU_ASSERT_EQUAL(n, 400);
	do {
		rc = vs_nl_process(nl, on_link_lost, &s);
		CU_ASSERT(rc >= 0);
	} while (rc > 0);
	CU_ASSERT_TRUE(s.lo);
	CU_ASSERT(s.calls > 0);
	setsockopt(vs_nl_fd(nl), SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
}

/* In a child running as uid: attaches to tap; returns 0 or the errno. */
static int
attach_as(uid_t uid)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct ifreq ifr;
		int fd;

		if (setgid(NOBODY) != 0 || setuid(uid) != 0)
			_exit(100);
		fd = open("/dev/net/tun", O_RDWR);
		if (fd < 0)
			_exit(101);
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap);
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
		_exit(ioctl(fd, TUNSETIFF, &ifr) == 0 ? 0 : errno);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
test_tap(void)
{
	char err[256], path[96], v[32];
	struct ifreq ifr;
	int fd;

	/* Neither owner nor group: refused, nothing created. */
	CU_ASSERT_EQUAL(vs_tap_create_persistent(tap, -1, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "any user"));
	CU_ASSERT_EQUAL(if_nametoindex(tap), 0);
	CU_ASSERT_EQUAL(vs_tap_create_persistent(tap, -2, -1, err, sizeof(err)), -EINVAL);
	CU_ASSERT_TRUE(starts_with(err, "owner_uid -2: "));

	/* Created with an owner; the creator's fd is closed on return. */
	CU_ASSERT_EQUAL_FATAL(vs_tap_create_persistent(tap, NOBODY, -1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_tap_exists(tap), 1);
	CU_ASSERT_NOT_EQUAL(if_nametoindex(tap), 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/owner", tap);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "65534") == 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/group", tap);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "-1") == 0);
	CU_ASSERT_EQUAL(attach_as(NOBODY), 0);
	CU_ASSERT_EQUAL(attach_as(NOBODY - 1), EPERM);
	CU_ASSERT_EQUAL(vs_tap_exists(tap), 1); /* persistent: the owner left */

	CU_ASSERT_EQUAL(vs_tap_create_persistent(tap, NOBODY, -1, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(vs_tap_create_persistent(va, NOBODY, -1, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(vs_tap_exists(va), 0);
	CU_ASSERT_EQUAL(vs_tap_delete_persistent(va, err, sizeof(err)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err + strlen(err) - strlen("not a tap"), "not a tap");

	/* Attached elsewhere: not deleted under its user. */
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", tap);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	CU_ASSERT_EQUAL(ioctl(fd, TUNSETIFF, &ifr), 0);
	CU_ASSERT_EQUAL(vs_tap_delete_persistent(tap, err, sizeof(err)), -EBUSY);
	close(fd);

	CU_ASSERT_EQUAL(vs_tap_delete_persistent(tap, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_tap_exists(tap), 0);
	CU_ASSERT_EQUAL(if_nametoindex(tap), 0);
	CU_ASSERT_EQUAL(vs_tap_delete_persistent(tap, err, sizeof(err)), -ENODEV);

	/* Group only. */
	CU_ASSERT_EQUAL_FATAL(vs_tap_create_persistent(tap2, -1, NOBODY, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/group", tap2);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "65534") == 0);
	snprintf(path, sizeof(path), "/sys/class/net/%s/owner", tap2);
	CU_ASSERT_TRUE(read_line(path, v, sizeof(v)) == 0 && strcmp(v, "-1") == 0);
	CU_ASSERT_EQUAL(vs_tap_delete_persistent(tap2, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_tap_exists(tap2), 0);
}

CU_ErrorCode
vs_test_register_netlink(void)
{
	CU_pSuite s = CU_add_suite("netlink", setup, teardown);

	if (s == NULL || !CU_add_test(s, "MAC, MTU and state set and read back", test_set_get) ||
	    !CU_add_test(s, "counters move with traffic and drops", test_counters) ||
	    !CU_add_test(s, "refusals: the kernel's and ours", test_refusals) ||
	    !CU_add_test(s, "IPv4 and IPv6 addresses, disable_ipv6", test_addresses) ||
	    !CU_add_test(s, "peer down seen within a second by polling", test_notifications) ||
	    !CU_add_test(s, "lost notifications: every link reported again", test_overflow) ||
	    !CU_add_test(s, "persistent tap: owned, survives, deleted", test_tap))
		return CU_get_error();
	return CUE_SUCCESS;
}
