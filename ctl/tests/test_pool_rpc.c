/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC pool and host vNIC MTUs through the control protocol (the code
 * path of the socket), needs root for the veth an uplink sits on:
 *   - mac_pool.get/set: bad ranges refused naming the field, a dry run
 *     changes nothing, the pool and every generated MAC are on disk
 *     before the answer, exhaustion is a conflict, and a datapath loaded
 *     from the file has the same pool and the same MACs;
 *   - host.mtu / port.set mtu above the uplink interface's MTU refused by
 *     switch.add, the configuration file, port.set (dry run too) and
 *     switch.set, naming both values; a vNIC lowered to follow its uplink
 *     is saved by the next vs_ctl_poll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "ctl.h"
#include "rpc_harness.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static struct nl_sock *tsk;
static char cfg_path[64], chan_dir[64], va[IFNAMSIZ], vb[IFNAMSIZ], hif[IFNAMSIZ];

static int
link_mtu(const char *ifname, int mtu)
{
	struct rtnl_link *orig = NULL, *ch = rtnl_link_alloc();
	int rc = ch == NULL ? -1 : rtnl_link_get_kernel(tsk, 0, ifname, &orig);

	if (rc == 0) {
		if (mtu > 0)
			rtnl_link_set_mtu(ch, (unsigned int)mtu);
		else
			rtnl_link_set_flags(ch, IFF_UP);
		rc = rtnl_link_change(tsk, orig, ch, 0);
	}
	if (orig != NULL)
		rtnl_link_put(orig);
	if (ch != NULL)
		rtnl_link_put(ch);
	return rc;
}

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 4096};
	int pid = (int)getpid();

	snprintf(va, sizeof(va), "vsnl%dp", pid);
	snprintf(vb, sizeof(vb), "vsnl%dq", pid);
	snprintf(hif, sizeof(hif), "vsnl%dr", pid);
	snprintf(chan_dir, sizeof(chan_dir), "/tmp/vspoolchXXXXXX");
	if (mkdtemp(chan_dir) == NULL)
		return -1;
	tsk = nl_socket_alloc();
	if (tsk == NULL || nl_connect(tsk, NETLINK_ROUTE) < 0 ||
	    rtnl_link_veth_add(tsk, va, vb, getpid()) < 0 || link_mtu(va, 0) != 0 ||
	    link_mtu(vb, 0) != 0) {
		fprintf(stderr, "pool suite: cannot set up the veth %s/%s\n", va, vb);
		return -1;
	}
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s", chan_dir);
	return rt_env_open(&dp, &ctl, cfg_path, "pool", &dc);
}

static int
teardown(void)
{
	struct rtnl_link *l = rtnl_link_alloc();
	char cmd[128];

	rt_env_close(dp, ctl, cfg_path);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", chan_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "pool suite: cannot remove %s\n", chan_dir);
	if (l != NULL) {
		rtnl_link_set_name(l, va);
		rtnl_link_delete(tsk, l);
		rtnl_link_put(l);
	}
	nl_socket_free(tsk);
	return 0;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* The file on disk (caller frees). */
static char *
saved_text(void)
{
	char err[128];

	return vs_ctl_read_file(cfg_path, err, sizeof(err));
}

static bool
saved_pool(const char *min, const char *max)
{
	char *txt = saved_text();
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "datapath"), "mac_pool");
	bool ok = strcasecmp(str(p, "min"), min) == 0 && strcasecmp(str(p, "max"), max) == 0;

	cJSON_Delete(doc);
	free(txt);
	return ok;
}

static bool
saved_port_mac(const char *port, const char *mac)
{
	char *txt = saved_text();
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *p;
	bool ok = false;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(doc, "ports"))
		if (strcmp(str(p, "name"), port) == 0)
			ok = strcasecmp(str(p, "mac"), mac) == 0;
	cJSON_Delete(doc);
	free(txt);
	return ok;
}

static double
saved_host_mtu(void)
{
	char *txt = saved_text();
	cJSON *doc = txt ? cJSON_Parse(txt) : NULL, *s;
	double mtu = -1;

	cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(doc, "switches")) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(s, "host"), "mtu");

		mtu = cJSON_IsNumber(m) ? m->valuedouble : 0;
	}
	cJSON_Delete(doc);
	free(txt);
	return mtu;
}

static void
test_mac_pool(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_mac_pool_info in;
	struct vs_port_conf pc;
	struct vs_dp *dp2;
	char err[256], *txt;
	cJSON *r;

	r = rt_ok(ctl, RQ("mac_pool.get", "{}"));
	CU_ASSERT_EQUAL(strncasecmp(str(r, "min"), "00:15:5d:", 9), 0);
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "size")->valuedouble, 256);
	cJSON_Delete(r);

	rt_refused(
		ctl,
		RQ("mac_pool.set", "{\"min\":\"02:00:00:00:00:05\",\"max\":\"02:00:00:00:00:01\"}"),
		VS_CTL_E_INVALID_PARAMS, "mac_pool.set: max: 02:00:00:00:00:01 is below min");
	rt_refused(
		ctl,
		RQ("mac_pool.set", "{\"min\":\"03:00:00:00:00:00\",\"max\":\"03:00:00:00:00:01\"}"),
		VS_CTL_E_INVALID_PARAMS, "min: 03:00:00:00:00:00 is a group address");
	rt_refused(
		ctl,
		RQ("mac_pool.set", "{\"min\":\"02:00:00:00:00:00\",\"max\":\"06:00:00:00:00:00\"}"),
		VS_CTL_E_INVALID_PARAMS, "max: 02:00:00:00:00:00 - 06:00:00:00:00:00 holds group");
	rt_refused(ctl, RQ("mac_pool.set", "{\"min\":\"zz\",\"max\":\"02:00:00:00:00:01\"}"),
		   VS_CTL_E_INVALID_PARAMS, "min: expected a MAC address");
	rt_refused(ctl, RQ("mac_pool.set", "{\"min\":\"02:00:00:00:00:00\"}"),
		   VS_CTL_E_INVALID_PARAMS, "max: required");
	rt_refused(ctl,
		   RQ("mac_pool.set",
		      "{\"min\":\"02:00:00:00:00:00\",\"max\":\"02:00:00:00:00:01\","
		      "\"size\":2}"),
		   VS_CTL_E_INVALID_PARAMS, "size: unknown key");
	r = rt_ok(ctl,
		  RQ("mac_pool.set", "{\"min\":\"02:00:00:00:00:00\",\"max\":\"02:00:00:00:00:01\","
				     "\"dry_run\":true}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(str(r, "would"), "02:00:00:00:00:00 - 02:00:00:00:00:01"));
	cJSON_Delete(r);
	vs_dp_mac_pool_get(dp, &in);
	CU_ASSERT_EQUAL(in.size, 256); /* the dry run changed nothing */

	r = rt_ok(ctl, RQ("mac_pool.set",
			  "{\"min\":\"02:00:00:00:00:00\",\"max\":\"02:00:00:00:00:01\"}"));
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "size")->valuedouble, 2);
	cJSON_Delete(r);
	CU_ASSERT_TRUE(saved_pool("02:00:00:00:00:00", "02:00:00:00:00:01"));

	cJSON_Delete(rt_ok(ctl, RQ("switch.add", "{\"name\":\"mp\"}")));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"mp\",\"name\":\"n1\",\"kind\":\"netvsc\"}")));
	CU_ASSERT_TRUE(saved_port_mac("n1", "02:00:00:00:00:00"));
	cJSON_Delete(rt_ok(
		ctl, RQ("port.add", "{\"switch\":\"mp\",\"name\":\"n2\",\"kind\":\"netvsc\"}")));
	CU_ASSERT_TRUE(saved_port_mac("n2", "02:00:00:00:00:01"));
	rt_refused(ctl, RQ("port.add", "{\"switch\":\"mp\",\"name\":\"n3\",\"kind\":\"netvsc\"}"),
		   VS_CTL_E_CONFLICT,
		   "mac: the MAC pool 02:00:00:00:00:00 - 02:00:00:00:00:01 is exhausted");
	rt_refused(ctl,
		   RQ("port.add",
		      "{\"switch\":\"mp\",\"name\":\"n3\",\"kind\":\"netvsc\",\"dry_run\":true}"),
		   VS_CTL_E_CONFLICT, "is exhausted");
	r = rt_ok(ctl, RQ("mac_pool.get", "{}"));
	CU_ASSERT_EQUAL(cJSON_GetObjectItemCaseSensitive(r, "used")->valuedouble, 2);
	cJSON_Delete(r);

	/* A daemon started from the file: the same pool, the same MACs. */
	txt = saved_text();
	CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
	snprintf(dc.chan_dir, sizeof(dc.chan_dir), "%s/2", chan_dir);
	CU_ASSERT_EQUAL(mkdir(dc.chan_dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(vs_ctl_dp_conf_parse(txt, &dc, err, sizeof(err)), 0);
	dp2 = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp2);
	CU_ASSERT_EQUAL(vs_ctl_config_apply(dp2, txt, err, sizeof(err)), 0);
	vs_dp_mac_pool_get(dp2, &in);
	CU_ASSERT_EQUAL(in.size, 2);
	CU_ASSERT_EQUAL(in.used, 2);
	CU_ASSERT_EQUAL(in.min[5], 0);
	CU_ASSERT_EQUAL(vs_dp_port_conf(dp2, (unsigned int)vs_dp_port_index(dp2, "n2"), &pc), 0);
	CU_ASSERT_TRUE(pc.has_mac && pc.mac[0] == 2 && pc.mac[5] == 1);
	vs_dp_destroy(dp2);
	free(txt);

	/* The file's own refusals name the field. */
	CU_ASSERT_NOT_EQUAL(
		vs_ctl_dp_conf_parse("{\"datapath\":{\"mac_pool\":{\"min\":\"02:00:00:00:00:05\","
				     "\"max\":\"02:00:00:00:00:01\"}}}",
				     &dc, err, sizeof(err)),
		0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "datapath.mac_pool.max: 02:00:00:00:00:01 is below min"));
	CU_ASSERT_NOT_EQUAL(vs_ctl_dp_conf_parse(
				    "{\"datapath\":{\"mac_pool\":{\"min\":\"02:00:00:00:00:05\"}}}",
				    &dc, err, sizeof(err)),
			    0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "datapath.mac_pool.max: required"));

	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"n1\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("port.del", "{\"name\":\"n2\"}")));
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"mp\"}")));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_host_mtu(void)
{
	char req[1024], want[256], err[256], doc[1024];
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_dp *dp2;
	int64_t end;
	double mtu;

	snprintf(req, sizeof(req),
		 RQ("switch.add", "{\"name\":\"mt\",\"type\":\"external\",\"uplink\":"
				  "\"net_af_packet_p%d,iface=%s\",\"allow_management_os\":true,"
				  "\"host\":{\"ifname\":\"%s\",\"mtu\":9000}}"),
		 (int)getpid(), va, hif);
	snprintf(want, sizeof(want),
		 "host.mtu: 9000 is larger than the MTU of the uplink's interface %s (1500)", va);
	rt_refused(ctl, req, VS_CTL_E_INVALID_PARAMS, want);
	/* The same switch in a configuration file. */
	snprintf(doc, sizeof(doc),
		 "{\"switches\":[{\"name\":\"mt\",\"type\":\"external\",\"uplink\":"
		 "\"net_af_packet_p%d,iface=%s\",\"allow_management_os\":true,"
		 "\"host\":{\"ifname\":\"%s\",\"mtu\":9000}}]}",
		 (int)getpid(), va, hif);
	dp2 = vs_dp_create(&dc, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp2);
	CU_ASSERT_NOT_EQUAL(vs_ctl_config_apply(dp2, doc, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	vs_dp_destroy(dp2);

	snprintf(req, sizeof(req),
		 RQ("switch.add", "{\"name\":\"mt\",\"type\":\"external\",\"uplink\":"
				  "\"net_af_packet_p%d,iface=%s\",\"allow_management_os\":true,"
				  "\"host\":{\"ifname\":\"%s\",\"mtu\":1400}}"),
		 (int)getpid(), va, hif);
	cJSON_Delete(rt_ok(ctl, req));
	CU_ASSERT_EQUAL(saved_host_mtu(), 1400);
	snprintf(want, sizeof(want),
		 "port.set: port mt-host: mtu: 1600 is larger than the MTU of switch mt's uplink "
		 "(interface %s: 1500)",
		 va);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"mt-host\",\"mtu\":1600}"),
		   VS_CTL_E_INVALID_PARAMS, want);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"mt-host\",\"mtu\":1600,\"dry_run\":true}"),
		   VS_CTL_E_INVALID_PARAMS, want);
	rt_refused(ctl, RQ("port.set", "{\"name\":\"mt-uplink\",\"mtu\":1400}"),
		   VS_CTL_E_INVALID_PARAMS, "mtu: only a host vNIC takes it");
	cJSON_Delete(rt_ok(ctl, RQ("port.set", "{\"name\":\"mt-host\",\"mtu\":1500}")));
	CU_ASSERT_EQUAL(saved_host_mtu(), 1500);
	/* switch.set: off, then on again with a vNIC MTU the uplink cannot carry. */
	cJSON_Delete(
		rt_ok(ctl, RQ("switch.set", "{\"name\":\"mt\",\"allow_management_os\":false}")));
	rt_refused(ctl,
		   RQ("switch.set",
		      "{\"name\":\"mt\",\"allow_management_os\":true,\"host\":{\"mtu\":9000}}"),
		   VS_CTL_E_INVALID_PARAMS,
		   "host.mtu: 9000 is larger than the MTU of the uplink's");
	cJSON_Delete(
		rt_ok(ctl, RQ("switch.set", "{\"name\":\"mt\",\"allow_management_os\":true}")));

	/* The uplink shrinks: the vNIC follows and the file says so. */
	CU_ASSERT_EQUAL(link_mtu(va, 1300), 0);
	end = now_ms() + 1000;
	do {
		vs_dp_ctl_poll(dp, NULL);
		vs_ctl_poll(ctl, 10);
		mtu = saved_host_mtu();
	} while (mtu != 1300 && now_ms() < end);
	CU_ASSERT_EQUAL(mtu, 1300);
	CU_ASSERT_EQUAL(link_mtu(va, 1500), 0);
	cJSON_Delete(rt_ok(ctl, RQ("switch.del", "{\"name\":\"mt\"}")));
}

CU_ErrorCode
vs_test_register_pool_rpc(void)
{
	CU_pSuite s = CU_add_suite("mac pool and vNIC MTU over rpc", setup, teardown);

	if (s == NULL || !CU_add_test(s, "mac_pool.get/set, persisted, reloaded", test_mac_pool) ||
	    !CU_add_test(s, "host vNIC MTU against the uplink's", test_host_mtu))
		return CU_get_error();
	return CUE_SUCCESS;
}
