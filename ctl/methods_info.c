/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Methods that read the datapath, or reset what it counts: the MAC table,
 * counters, the configuration document and the daemon.  Switches and ports
 * are in methods_dp.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "rpc_priv.h"

struct vs_m_fdb_filter {
	char sw[VS_NAME_MAX], port[VS_NAME_MAX];
	uint32_t vlan; /* 0: any */
	cJSON *out;
};

static void
vs_m_fdb_one(const struct vs_fdb_entry_info *e, void *arg)
{
	struct vs_m_fdb_filter *f = arg;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	cJSON *o;

	if ((f->sw[0] && strcmp(f->sw, e->switch_name) != 0) ||
	    (f->port[0] && strcmp(f->port, e->port_name) != 0) || (f->vlan && f->vlan != e->vlan))
		return;
	{
		struct rte_ether_addr ea_; /* the bytes may sit at any address */

		memcpy(ea_.addr_bytes, e->mac, 6);
		rte_ether_format_addr(mac, sizeof(mac), &ea_);
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "switch", e->switch_name);
	cJSON_AddNumberToObject(o, "vlan", e->vlan);
	cJSON_AddStringToObject(o, "mac", mac);
	cJSON_AddStringToObject(o, "port", e->port_name);
	cJSON_AddNumberToObject(o, "age_s", e->age_s);
	cJSON_AddBoolToObject(o, "static", e->is_static);
	cJSON_AddItemToArray(f->out, o);
}

static int
vs_m_fdb_show(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", "vlan", "port", NULL};
	struct vs_m_fdb_filter f = {.vlan = 0};
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "switch", 0, f.sw, sizeof(f.sw), err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "port", 0, f.port, sizeof(f.port), err, errlen)) !=
		    0 ||
	    (rc = vs_ctl_get_u32(p, "", "vlan", 1, 4094, &f.vlan, err, errlen)) != 0)
		return rc;
	if (f.sw[0] && vs_dp_switch_index(c->dp, f.sw) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", f.sw);
		return -ENOENT;
	}
	if (f.port[0] && vs_dp_port_index(c->dp, f.port) < 0) {
		snprintf(err, errlen, "port: no port named '%s'", f.port);
		return -ENOENT;
	}
	f.out = cJSON_CreateArray();
	vs_dp_fdb_walk(c->dp, vs_m_fdb_one, &f);
	*res = f.out;
	return 0;
}

static int
vs_m_fdb_flush(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"switch", NULL};
	char sw[VS_NAME_MAX] = "";
	int rc, idx = -1;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "switch", 0, sw, sizeof(sw), err, errlen)) != 0)
		return rc;
	if (sw[0] && (idx = vs_dp_switch_index(c->dp, sw)) < 0) {
		snprintf(err, errlen, "switch: no switch named '%s'", sw);
		return -ENOENT;
	}
	if (c->dry_run) {
		*res = vs_ctl_would("flush the MAC table%s%s", sw[0] ? " of switch " : "", sw);
		return 0;
	}
	*res = cJSON_CreateObject();
	cJSON_AddNumberToObject(*res, "flushed", vs_dp_fdb_flush(c->dp, idx));
	return 0;
}

static int
vs_m_stats_get(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"port", NULL};
	char port[VS_NAME_MAX] = "";
	struct vs_fdb_stats fs;
	cJSON *ports, *workers, *fdb;
	unsigned int i;
	int rc;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "port", 0, port, sizeof(port), err, errlen)) != 0)
		return rc;
	if (port[0] && vs_dp_port_index(c->dp, port) < 0) {
		snprintf(err, errlen, "port: no port named '%s'", port);
		return -ENOENT;
	}
	*res = cJSON_CreateObject();
	ports = cJSON_AddArrayToObject(*res, "ports");
	for (i = 0; i < VS_MAX_PORTS; i++) {
		const char *n = vs_dp_port_name(c->dp, i);
		cJSON *o;

		if (n == NULL || (port[0] && strcmp(n, port) != 0))
			continue;
		o = vs_ctl_port_stats_json(c->dp, i);
		cJSON_AddStringToObject(o, "name", n);
		cJSON_AddStringToObject(o, "switch", vs_dp_port_switch(c->dp, i));
		cJSON_AddItemToArray(ports, o);
	}
	vs_dp_fdb_stats(c->dp, &fs);
	fdb = cJSON_AddObjectToObject(*res, "fdb");
	cJSON_AddNumberToObject(fdb, "entries", fs.entries);
	cJSON_AddNumberToObject(fdb, "capacity", fs.capacity);
	cJSON_AddNumberToObject(fdb, "learned", (double)fs.learned);
	cJSON_AddNumberToObject(fdb, "moved", (double)fs.moved);
	cJSON_AddNumberToObject(fdb, "aged", (double)fs.aged);
	cJSON_AddNumberToObject(fdb, "overflow", (double)fs.overflow);
	cJSON_AddNumberToObject(fdb, "static_held", (double)fs.static_held);
	{
		struct vs_offload_stats os;
		cJSON *ol = cJSON_AddObjectToObject(*res, "offload");
		unsigned int k;

		vs_dp_offload_stats(c->dp, &os);
		for (k = 0; k < VS_OFFLOAD_C_MAX; k++)
			cJSON_AddNumberToObject(ol, vs_offload_counter_name(k), (double)os.c[k]);
	}
	workers = cJSON_AddArrayToObject(*res, "workers");
	for (i = 0; i < vs_dp_worker_count(c->dp); i++) {
		struct vs_worker_stats ws;
		cJSON *o = cJSON_CreateObject();

		vs_dp_worker_stats(c->dp, i, &ws);
		cJSON_AddNumberToObject(o, "worker", i);
		cJSON_AddNumberToObject(o, "lcore", ws.lcore);
		cJSON_AddNumberToObject(o, "rx_queues", ws.n_rxq);
		cJSON_AddNumberToObject(o, "packets", (double)ws.packets);
		cJSON_AddNumberToObject(o, "loops", (double)ws.loops);
		cJSON_AddNumberToObject(o, "cycles", (double)ws.cycles);
		cJSON_AddNumberToObject(o, "cycles_per_packet",
					ws.packets ? (double)ws.busy_cycles / (double)ws.packets : 0);
		cJSON_AddNumberToObject(o, "idle_ratio",
					ws.cycles ? 1.0 - (double)ws.busy_cycles / (double)ws.cycles
						  : 1.0);
		cJSON_AddItemToArray(workers, o);
	}
	return 0;
}

static int
vs_m_stats_clear(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc == 0 && c->dry_run)
		*res = vs_ctl_would("clear every counter");
	else if (rc == 0)
		vs_dp_stats_clear(c->dp);
	return rc;
}

static int
vs_m_config_get(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc == 0)
		*res = vs_ctl_config_build(c->dp);
	return rc;
}

/* Resident set size of this process, from /proc; 0 if unreadable. */
static uint64_t
vs_rss_bytes(void)
{
	unsigned long long size, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* What a leak would grow: buffers out of the pool, the DPDK heap, the
 * process's resident memory (a soak test watches these stay flat). */
static void
vs_memory_json(struct vs_ctl *c, cJSON *o)
{
	struct rte_mempool *mp = vs_dp_mempool(c->dp);
	struct rte_malloc_socket_stats st;
	uint64_t heap = 0;
	unsigned int s;

	for (s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			heap += st.heap_allocsz_bytes;
	cJSON_AddNumberToObject(o, "mbufs", mp->size);
	cJSON_AddNumberToObject(o, "mbufs_in_use", mp->size - rte_mempool_avail_count(mp));
	cJSON_AddNumberToObject(o, "heap_bytes", (double)heap);
	cJSON_AddNumberToObject(o, "rss_bytes", (double)vs_rss_bytes());
}

static int
vs_m_daemon_info(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {NULL};
	int rc = vs_ctl_check_keys(p, "", keys, err, errlen);

	if (rc != 0)
		return rc;
	*res = cJSON_CreateObject();
	cJSON_AddStringToObject(*res, "version", c->conf.version ? c->conf.version : "");
	cJSON_AddStringToObject(*res, "dpdk", rte_version());
	cJSON_AddNumberToObject(*res, "workers", vs_dp_worker_count(c->dp));
	cJSON_AddNumberToObject(*res, "uptime_s", (double)vs_ctl_uptime_s(c));
	cJSON_AddNumberToObject(*res, "switches", vs_dp_switch_count(c->dp));
	cJSON_AddNumberToObject(*res, "ports", vs_dp_port_count(c->dp));
	if (c->config_path[0])
		cJSON_AddStringToObject(*res, "config_file", c->config_path);
	else
		cJSON_AddNullToObject(*res, "config_file");
	cJSON_AddStringToObject(*res, "socket", c->sock_path);
	vs_memory_json(c, cJSON_AddObjectToObject(*res, "memory"));
	return 0;
}

int
vs_ctl_register_info_methods(struct vs_ctl *c)
{
	static const struct vs_ctl_method m[] = {
		{"fdb.show", vs_m_fdb_show, false},      {"fdb.flush", vs_m_fdb_flush, true},
		{"stats.get", vs_m_stats_get, false},    {"stats.clear", vs_m_stats_clear, true},
		{"config.get", vs_m_config_get, false},  {"daemon.info", vs_m_daemon_info, false},
	};

	return vs_ctl_register_table(c, m, sizeof(m) / sizeof(m[0]));
}
