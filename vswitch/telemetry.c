/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands for vswitch (contract in vswitch.h).
 *
 * The callbacks run on DPDK's telemetry thread, concurrently with the
 * control thread that adds and deletes ports and switches.  They therefore
 * never touch struct vs_dp: the control thread publishes a copy of what they
 * report (names and summed counters) with vs_telemetry_publish, under a
 * mutex held only for a memcpy, and the callbacks answer from that copy.
 * Counters in the copy are at most VS_TEL_PERIOD_MS old.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#include "vswitch.h"

#define VS_TEL_PERIOD_MS 50u

struct vs_tel_port {
	char name[VS_NAME_MAX];
	char sw[VS_NAME_MAX];
	const char *kind; /* static strings */
	bool admin_up;
	struct vs_port_stats st;
};

struct vs_tel_copy {
	bool valid; /* a datapath has been published */
	unsigned int n_ports, n_switches, n_workers;
	struct vs_tel_port ports[VS_MAX_PORTS];
	struct vs_fdb_stats fdb;
};

static pthread_mutex_t vs_tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vs_tel_copy vs_tel;     /* read by the telemetry thread */
static struct vs_tel_copy vs_tel_new; /* built by the control thread */
static uint64_t vs_tel_last_ms;

static uint64_t
vs_tel_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void
vs_telemetry_publish(const struct vs_dp *dp, bool force)
{
	struct vs_tel_copy *c = &vs_tel_new;
	uint64_t now = vs_tel_now_ms();
	unsigned int i;

	if (!force && now - vs_tel_last_ms < VS_TEL_PERIOD_MS)
		return;
	vs_tel_last_ms = now;
	memset(c, 0, sizeof(*c));
	if (dp != NULL) {
		c->valid = true;
		c->n_switches = vs_dp_switch_count(dp);
		c->n_workers = vs_dp_worker_count(dp);
		for (i = 0; i < VS_MAX_PORTS; i++) {
			struct vs_tel_port *tp = &c->ports[c->n_ports];
			struct vs_port_conf pc;

			if (vs_dp_port_conf(dp, i, &pc) != 0)
				continue;
			snprintf(tp->name, sizeof(tp->name), "%s", pc.name);
			snprintf(tp->sw, sizeof(tp->sw), "%s", pc.switch_name);
			tp->kind = vs_port_kind_name(pc.kind);
			tp->admin_up = !pc.admin_down;
			vs_dp_port_stats(dp, i, &tp->st);
			c->n_ports++;
		}
		vs_dp_fdb_stats(dp, &c->fdb);
	}
	pthread_mutex_lock(&vs_tel_lock);
	memcpy(&vs_tel, c, sizeof(vs_tel));
	pthread_mutex_unlock(&vs_tel_lock);
}

/* /vswitch/ports: the port names, in index order. */
static int
vs_tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&vs_tel_lock);
	for (i = 0; i < vs_tel.n_ports; i++)
		rte_tel_data_add_array_string(d, vs_tel.ports[i].name);
	pthread_mutex_unlock(&vs_tel_lock);
	return 0;
}

/* /vswitch/port_stats,<name>: the counters of vswitchctl stats show. */
static int
vs_tel_port_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct vs_tel_port *p = NULL;
	char name[RTE_TEL_MAX_STRING_LEN];
	unsigned int i;
	int rc = 0;

	(void)cmd;
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&vs_tel_lock);
	for (i = 0; i < vs_tel.n_ports; i++)
		if (strcmp(vs_tel.ports[i].name, params) == 0)
			p = &vs_tel.ports[i];
	if (p == NULL) {
		rc = -ENOENT;
		goto out;
	}
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_string(d, "switch", p->sw);
	rte_tel_data_add_dict_string(d, "kind", p->kind);
	rte_tel_data_add_dict_string(d, "admin", p->admin_up ? "up" : "down");
	rte_tel_data_add_dict_u64(d, "rx_packets", p->st.rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", p->st.rx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_packets", p->st.tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", p->st.tx_bytes);
	rte_tel_data_add_dict_u64(d, "fwd_unicast", p->st.fwd_unicast);
	rte_tel_data_add_dict_u64(d, "fwd_flood", p->st.fwd_flood);
	for (i = 0; i < VS_DROP_MAX; i++) {
		snprintf(name, sizeof(name), "drop_%s", vs_drop_reason_name((enum vs_drop_reason)i));
		rte_tel_data_add_dict_u64(d, name, p->st.drops[i]);
	}
out:
	pthread_mutex_unlock(&vs_tel_lock);
	return rc;
}

static int
vs_tel_fdb_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&vs_tel_lock);
	rte_tel_data_add_dict_u64(d, "entries", vs_tel.fdb.entries);
	rte_tel_data_add_dict_u64(d, "capacity", vs_tel.fdb.capacity);
	rte_tel_data_add_dict_u64(d, "learned", vs_tel.fdb.learned);
	rte_tel_data_add_dict_u64(d, "moved", vs_tel.fdb.moved);
	rte_tel_data_add_dict_u64(d, "aged", vs_tel.fdb.aged);
	rte_tel_data_add_dict_u64(d, "overflow", vs_tel.fdb.overflow);
	pthread_mutex_unlock(&vs_tel_lock);
	return 0;
}

static int
vs_tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&vs_tel_lock);
	rte_tel_data_add_dict_int(d, "running", vs_tel.valid);
	rte_tel_data_add_dict_u64(d, "switches", vs_tel.n_switches);
	rte_tel_data_add_dict_u64(d, "ports", vs_tel.n_ports);
	rte_tel_data_add_dict_u64(d, "workers", vs_tel.n_workers);
	pthread_mutex_unlock(&vs_tel_lock);
	return 0;
}

int
vs_telemetry_init(void)
{
	static bool done;
	int rc;

	if (done)
		return 0;
	if ((rc = rte_telemetry_register_cmd("/vswitch/info", vs_tel_info,
					     "Switch, port and worker counts. Takes no "
					     "parameters")) != 0 ||
	    (rc = rte_telemetry_register_cmd("/vswitch/ports", vs_tel_ports,
					     "Names of vswitch ports. Takes no parameters")) !=
		    0 ||
	    (rc = rte_telemetry_register_cmd("/vswitch/port_stats", vs_tel_port_stats,
					     "Counters of one vswitch port. Parameters: port "
					     "name")) != 0 ||
	    (rc = rte_telemetry_register_cmd("/vswitch/fdb_stats", vs_tel_fdb_stats,
					     "MAC table counters. Takes no parameters")) != 0)
		return rc;
	done = true;
	return 0;
}
