/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel link cache and what the datapath does with it (needs root):
 * the cache's update rules on made-up notifications; a net_af_packet
 * uplink on a veth going down and up, and changing MTU, first as made-up
 * notifications, then for real through the kernel; what the workers then
 * do (link_down and mtu_exceeded counted on the port, no flooding to a
 * down link, tagged frames allowed their tag); a notification overflow
 * resynchronised, an interface removed meanwhile found gone.  The suite
 * goes on with the host vNIC's MTU bounded by the uplink's and the MAC
 * pool (test_klink_mtu_pool.c), on the fixture this file sets up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "netlink_priv.h"
#include "test_env.h"

static struct vs_dp *dp;
static struct vs_nl *tnl;       /* the test's own: changes links */
static struct nl_sock *tsk;     /* veth create/delete */
static char up_a[IFNAMSIZ], up_b[IFNAMSIZ], ad_a[IFNAMSIZ], ad_b[IFNAMSIZ], hif[IFNAMSIZ];
static char chan_dir[64];

static const uint8_t X[6] = {0x02, 0x00, 0x00, 0xaa, 0x00, 0x01}; /* behind the uplink */
static const uint8_t V1[6] = {0x02, 0x00, 0x00, 0xbb, 0x00, 0x01};
static const uint8_t BC[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void
veth_del(const char *name)
{
	struct rtnl_link *l;

	if (if_nametoindex(name) == 0 || (l = rtnl_link_alloc()) == NULL)
		return;
	rtnl_link_set_name(l, name);
	rtnl_link_delete(tsk, l);
	rtnl_link_put(l);
}

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	char err[256];
	int pid = (int)getpid();

	snprintf(up_a, sizeof(up_a), "vsnl%dk", pid);
	snprintf(up_b, sizeof(up_b), "vsnl%dl", pid);
	snprintf(ad_a, sizeof(ad_a), "vsnl%de", pid);
	snprintf(ad_b, sizeof(ad_b), "vsnl%df", pid);
	snprintf(hif, sizeof(hif), "vsnl%dh", pid);
	snprintf(chan_dir, sizeof(chan_dir), "/tmp/vsklXXXXXX");
	if (mkdtemp(chan_dir) == NULL)
		return -1;
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", chan_dir);
	tsk = nl_socket_alloc();
	if (tsk == NULL || nl_connect(tsk, NETLINK_ROUTE) < 0)
		return -1;
	if (rtnl_link_veth_add(tsk, up_a, up_b, getpid()) < 0 ||
	    rtnl_link_veth_add(tsk, ad_a, ad_b, getpid()) < 0) {
		fprintf(stderr, "klink suite: cannot create veths\n");
		return -1;
	}
	if (vs_nl_open(&tnl, err, sizeof(err)) != 0 ||
	    vs_nl_link_set(tnl, up_a, NULL, 0, 1, err, sizeof(err)) != 0 ||
	    vs_nl_link_set(tnl, up_b, NULL, 0, 1, err, sizeof(err)) != 0 ||
	    vs_nl_link_set(tnl, ad_a, NULL, 0, 1, err, sizeof(err)) != 0 ||
	    vs_nl_link_set(tnl, ad_b, NULL, 0, 1, err, sizeof(err)) != 0) {
		fprintf(stderr, "klink suite: %s\n", err);
		return -1;
	}
	dp = vs_dp_create(&dc, err, sizeof(err));
	return dp == NULL ? -1 : 0;
}

static int
teardown(void)
{
	char cmd[128];

	vs_dp_destroy(dp);
	dp = NULL;
	veth_del(up_a);
	veth_del(ad_a);
	vs_nl_close(tnl);
	nl_socket_free(tsk);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", chan_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "klink suite: cannot remove %s\n", chan_dir);
	return 0;
}

struct vs_dp *
vs_test_klink_dp(void)
{
	return dp;
}

struct vs_nl *
vs_test_klink_nl(void)
{
	return tnl;
}

const char *
vs_test_klink_uplink(void)
{
	return up_a;
}

static int
idx(const char *name)
{
	return vs_dp_port_index(dp, name);
}

static struct vs_port_stats
stats(const char *name)
{
	struct vs_port_stats s;

	memset(&s, 0, sizeof(s));
	vs_dp_port_stats(dp, (unsigned int)idx(name), &s);
	return s;
}

static const struct vs_snap_port *
snap(const char *name)
{
	return &vs_dp_snapshot(dp)->ports[idx(name)];
}

static bool
in_flood(const char *name)
{
	const struct vs_snapshot *s = vs_dp_snapshot(dp);
	const struct vs_snap_switch *ss = &s->switches[s->ports[idx(name)].sw];
	unsigned int k;

	for (k = 0; k < ss->n_flood; k++)
		if (ss->flood[k] == idx(name))
			return true;
	return false;
}

static void
send_from(const char *port, const uint8_t dst[6], const uint8_t src[6], uint16_t type,
	  uint32_t len)
{
	struct rte_mbuf *m = vs_test_frame(dp, dst, src, type, len, 0x5a);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	vs_dp_process_burst(dp, (uint16_t)idx(port), &m, 1);
}

static unsigned int
drain(const char *name)
{
	return vs_test_drain(dp, name);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the control poll until cond() holds, for at most a second. */
bool
vs_test_klink_poll_until(bool (*cond)(void))
{
	int64_t end = now_ms() + 1000;

	do {
		vs_dp_ctl_poll(dp, NULL);
		if (cond())
			return true;
		usleep(10000);
	} while (now_ms() < end);
	return false;
}

/* A made-up notification about a real interface (its real address). */
static struct vs_nl_link
event(const char *ifname, bool up, uint32_t mtu)
{
	struct vs_nl_link l;
	char err[256];

	memset(&l, 0, sizeof(l));
	if (tnl != NULL && if_nametoindex(ifname) != 0)
		vs_nl_link_get(tnl, ifname, &l, err, sizeof(err));
	snprintf(l.ifname, sizeof(l.ifname), "%s", ifname);
	l.ifindex = (int)if_nametoindex(ifname);
	l.admin_up = true;
	l.oper_up = up;
	l.mtu = mtu;
	return l;
}

static void
test_apply(void)
{
	struct vs_klink k;
	struct vs_nl_link l;

	memset(&k, 0, sizeof(k));
	l = event("vsnlzz9", false, 1500);
	l.ifindex = 42;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0); /* not tracked */
	vs_klink_open(&k, NULL, "vsnlzz9");
	CU_ASSERT_TRUE(k.tracked && !k.known);
	l = event("vsnlzz8", true, 1500);
	l.ifindex = 41;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0); /* another interface */
	CU_ASSERT_FALSE(k.known);
	/* First news: known, down (unknown counted as not down). */
	l = event("vsnlzz9", false, 1500);
	l.ifindex = 42;
	l.mac[0] = 0x02;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), VS_KLINK_UP | VS_KLINK_MTU | VS_KLINK_MAC);
	CU_ASSERT_TRUE(k.known && !k.up && k.ifindex == 42 && k.mtu == 1500);
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0); /* the same again: nothing */
	/* Admin up without carrier is not up. */
	l.admin_up = true;
	l.oper_up = false;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0);
	l.oper_up = true;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), VS_KLINK_UP);
	CU_ASSERT_TRUE(k.up);
	l.admin_up = false;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), VS_KLINK_UP);
	l.admin_up = true;
	l.mtu = 9000;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), VS_KLINK_UP | VS_KLINK_MTU);
	CU_ASSERT_EQUAL(k.mtu, 9000);
	/* Renamed: the same interface, followed by its index. */
	snprintf(l.ifname, sizeof(l.ifname), "wan0");
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0);
	CU_ASSERT_STRING_EQUAL(k.ifname, "wan0");
	/* Another interface that takes the old name is not this one. */
	l = event("vsnlzz9", true, 1400);
	l.ifindex = 43;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0);
	CU_ASSERT_EQUAL(k.mtu, 9000);
	/* A resync report marks it seen. */
	l = event("wan0", true, 9000);
	l.ifindex = 42;
	l.mac[0] = 0x02;
	l.resync = true;
	k.seen = false;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0);
	CU_ASSERT_TRUE(k.seen);
	/* Removed: down, for good. */
	l.resync = false;
	l.gone = true;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), VS_KLINK_UP | VS_KLINK_MTU);
	CU_ASSERT_TRUE(k.gone && !k.up);
	l.gone = false;
	CU_ASSERT_EQUAL(vs_klink_apply(&k, &l), 0);
	CU_ASSERT_TRUE(k.gone);
}

static int
add_ring(const char *sw, const char *name)
{
	struct vs_port_conf pc = {.kind = VS_PORT_RING};
	char err[256];

	snprintf(pc.switch_name, sizeof(pc.switch_name), "%s", sw);
	snprintf(pc.name, sizeof(pc.name), "%s", name);
	return vs_dp_port_add(dp, &pc, err, sizeof(err));
}

int
vs_test_klink_add_external(const char *name, const char dev, bool mgmt, uint32_t host_mtu,
			   char *err, size_t errlen)
{
	struct vs_switch_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	c.type = VS_SWITCH_EXTERNAL;
	snprintf(c.uplink, sizeof(c.uplink), "net_af_packet_%c%d,iface=%s", dev, (int)getpid(),
		 up_a);
	c.allow_management_os = mgmt;
	snprintf(c.host_port.ifname, sizeof(c.host_port.ifname), "%s", hif);
	c.host_port.mtu = host_mtu;
	return vs_dp_switch_add(dp, &c, err, errlen);
}

static bool
uplink_down(void)
{
	return snap("ke-uplink")->link_down;
}

static bool
uplink_up(void)
{
	return snap("ke-uplink")->up;
}

static bool
uplink_mtu_1450(void)
{
	return snap("ke-uplink")->max_frame == 1450 + 14;
}

/* Made-up notifications first (exact), then the kernel's own. */
static void
test_link_events(void)
{
	struct vs_port_stats u0, u1, v0, v1;
	struct vs_port_link l;
	struct vs_nl_link ev;
	struct vs_trace t;
	uint8_t frame[64];
	char err[256];

	CU_ASSERT_EQUAL_FATAL(vs_test_klink_add_external("ke", 'k', false, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(add_ring("ke", "vm1"), 0);
	CU_ASSERT_EQUAL_FATAL(add_ring("ke", "vm2"), 0);
	CU_ASSERT_EQUAL(vs_dp_port_link(dp, (unsigned int)idx("ke-uplink"), &l), 0);
	CU_ASSERT_TRUE(l.kernel && l.up && l.mtu == 1500);
	CU_ASSERT_STRING_EQUAL(l.ifname, up_a);
	CU_ASSERT_TRUE(snap("ke-uplink")->up && !snap("ke-uplink")->link_down);
	CU_ASSERT_EQUAL(snap("ke-uplink")->max_frame, 1514);
	CU_ASSERT_EQUAL(snap("vm1")->max_frame, UINT32_MAX); /* no kernel, no limit */
	send_from("ke-uplink", BC, X, 0x88b5, 60); /* X learned behind the uplink */
	drain("vm1");
	drain("vm2");

	ev = event(up_a, false, 1500);
	CU_ASSERT_EQUAL(vs_dp_link_event(dp, &ev), VS_KLINK_UP);
	CU_ASSERT_TRUE(!snap("ke-uplink")->up && snap("ke-uplink")->link_down);
	CU_ASSERT_FALSE(in_flood("ke-uplink"));
	CU_ASSERT_TRUE(in_flood("vm2"));
	vs_dp_port_link(dp, (unsigned int)idx("ke-uplink"), &l);
	CU_ASSERT_FALSE(l.up);
	u0 = stats("ke-uplink");
	v0 = stats("vm1");
	send_from("vm1", X, V1, 0x88b5, 60);
	send_from("vm1", X, V1, 0x88b5, 60);
	u1 = stats("ke-uplink");
	v1 = stats("vm1");
	CU_ASSERT_EQUAL(u1.drops[VS_DROP_LINK_DOWN] - u0.drops[VS_DROP_LINK_DOWN], 2);
	CU_ASSERT_EQUAL(u1.tx_packets, u0.tx_packets);
	CU_ASSERT_EQUAL(v1.fwd_unicast, v0.fwd_unicast);
	CU_ASSERT_EQUAL(v1.drops[VS_DROP_PORT_DOWN], v0.drops[VS_DROP_PORT_DOWN]);
	/* Broadcast: to vm2 only, nothing counted on the uplink. */
	send_from("vm1", BC, V1, 0x88b5, 60);
	CU_ASSERT_EQUAL(drain("vm2"), 1);
	CU_ASSERT_EQUAL(stats("ke-uplink").drops[VS_DROP_LINK_DOWN], u1.drops[VS_DROP_LINK_DOWN]);
	CU_ASSERT_EQUAL(stats("ke-uplink").tx_packets, u0.tx_packets);
	/* Received on it meanwhile: counted there too. */
	send_from("ke-uplink", V1, X, 0x88b5, 60);
	CU_ASSERT_EQUAL(stats("ke-uplink").drops[VS_DROP_LINK_DOWN] - u0.drops[VS_DROP_LINK_DOWN], 3);
	/* A trace says why. */
	memset(frame, 0, sizeof(frame));
	memcpy(frame, X, 6);
	memcpy(frame + 6, V1, 6);
	frame[12] = 0x88;
	frame[13] = 0xb5;
	CU_ASSERT_EQUAL(vs_dp_trace(dp, (unsigned int)idx("vm1"), frame, 60, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.drop, VS_DROP_LINK_DOWN);
	CU_ASSERT_EQUAL(t.lookup_port, VS_TRACE_KNOWN_DROPPED);
	CU_ASSERT_EQUAL(t.n_egress, 0);
	vs_trace_release(&t);

	ev = event(up_a, true, 1500);
	CU_ASSERT_EQUAL(vs_dp_link_event(dp, &ev), VS_KLINK_UP);
	CU_ASSERT_TRUE(snap("ke-uplink")->up && in_flood("ke-uplink"));
	u0 = stats("ke-uplink");
	send_from("vm1", X, V1, 0x88b5, 60);
	CU_ASSERT_EQUAL(stats("ke-uplink").tx_packets - u0.tx_packets, 1);

	/* MTU 1400: 1414 bytes pass, 1415 do not; a tag carried as data
	 * through the VLAN-unaware ports is allowed its 4 bytes. */
	ev = event(up_a, true, 1400);
	CU_ASSERT_EQUAL(vs_dp_link_event(dp, &ev), VS_KLINK_MTU);
	CU_ASSERT_EQUAL(snap("ke-uplink")->max_frame, 1414);
	vs_dp_port_link(dp, (unsigned int)idx("ke-uplink"), &l);
	CU_ASSERT_EQUAL(l.mtu, 1400);
	u0 = stats("ke-uplink");
	send_from("vm1", X, V1, 0x88b5, 1415);
	send_from("vm1", X, V1, 0x88b5, 1414);
	send_from("vm1", X, V1, 0x8100, 1418);
	send_from("vm1", X, V1, 0x8100, 1419);
	u1 = stats("ke-uplink");
	CU_ASSERT_EQUAL(u1.drops[VS_DROP_MTU_EXCEEDED] - u0.drops[VS_DROP_MTU_EXCEEDED], 2);
	CU_ASSERT_EQUAL(u1.tx_packets - u0.tx_packets, 2);
	/* A flood goes where it fits; the frame is not also "no_egress". */
	v0 = stats("vm1");
	send_from("vm1", BC, V1, 0x88b5, 1500);
	CU_ASSERT_EQUAL(drain("vm2"), 1);
	v1 = stats("vm1");
	CU_ASSERT_EQUAL(v1.fwd_flood - v0.fwd_flood, 1);
	CU_ASSERT_EQUAL(stats("ke-uplink").drops[VS_DROP_MTU_EXCEEDED] -
				u1.drops[VS_DROP_MTU_EXCEEDED],
			1);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm2", err, sizeof(err)), 0);
	send_from("vm1", BC, V1, 0x88b5, 1500);
	CU_ASSERT_EQUAL(stats("vm1").drops[VS_DROP_NO_EGRESS], v1.drops[VS_DROP_NO_EGRESS]);
	CU_ASSERT_EQUAL(stats("ke-uplink").drops[VS_DROP_MTU_EXCEEDED] -
				u1.drops[VS_DROP_MTU_EXCEEDED],
			2);
	/* Notifications about other interfaces change nothing. */
	ev = event(ad_a, false, 1200);
	CU_ASSERT_EQUAL(vs_dp_link_event(dp, &ev), 0);
	ev = event(up_a, true, 1500);
	CU_ASSERT_EQUAL(vs_dp_link_event(dp, &ev), VS_KLINK_MTU);

	/* The kernel's own, through the control poll. */
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_b, NULL, 0, 0, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_down));
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_b, NULL, 0, 1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_up));
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, NULL, 1450, -1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_mtu_1450));
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_a, NULL, 1500, -1, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "vm1", err, sizeof(err)), 0);
}

static bool
resynced(void)
{
	struct vs_port_link l;

	return vs_dp_port_link(dp, (unsigned int)idx("ad"), &l) == 0 && l.gone &&
	       snap("ke-uplink")->link_down;
}

/* Notifications lost: the dump that follows sets things right, and finds
 * an interface removed meanwhile. */
static void
test_resync(void)
{
	struct vs_port_conf pc = {.kind = VS_PORT_EMULATED, .adopt = true};
	int i, small = 4096, big = 1 << 20;
	char err[256];

	snprintf(pc.switch_name, sizeof(pc.switch_name), "ke");
	snprintf(pc.name, sizeof(pc.name), "ad");
	snprintf(pc.ifname, sizeof(pc.ifname), "%s", ad_a);
	CU_ASSERT_EQUAL_FATAL(vs_dp_port_add(dp, &pc, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(snap("ad")->up);
	CU_ASSERT_EQUAL_FATAL(setsockopt(vs_nl_fd(dp->nl), SOL_SOCKET, SO_RCVBUF, &small,
					 sizeof(small)),
			      0);
	/* 400 changes unread overflow it; the last leaves the peer down. */
	for (i = 0; i < 400; i++)
		vs_nl_link_set(tnl, up_b, NULL, 0, !(i & 1), err, sizeof(err));
	veth_del(ad_a);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(resynced));
	CU_ASSERT_TRUE(snap("ad")->link_down && !snap("ad")->up);
	CU_ASSERT_EQUAL(setsockopt(vs_nl_fd(dp->nl), SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)), 0);
	CU_ASSERT_EQUAL(vs_nl_link_set(tnl, up_b, NULL, 0, 1, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(vs_test_klink_poll_until(uplink_up));
	CU_ASSERT_EQUAL(vs_dp_port_del(dp, "ad", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(vs_dp_switch_del(dp, "ke", err, sizeof(err)), 0);
}

CU_ErrorCode
vs_test_register_klink(void)
{
	CU_pSuite s = CU_add_suite("kernel links, MTU, MAC pool", setup, teardown);

	if (s == NULL || !CU_add_test(s, "cache update rules", test_apply) ||
	    !CU_add_test(s, "link down/up and MTU reach the workers", test_link_events) ||
	    !CU_add_test(s, "overflow resynchronised, removed interface gone", test_resync))
		return CU_get_error();
	return vs_test_register_klink_mtu_pool(s);
}
