/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl's tables.  Missing fields print as "-": the daemon may be
 * newer or older than the client. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vswitchctl_priv.h"

static const char *
vs_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
vs_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* "reason=n reason=n" for the non-zero drop counters, or "-". */
static void
vs_drops_text(const cJSON *drops, char *out, size_t len)
{
	const cJSON *d;
	size_t off = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(d, drops) {
		if (cJSON_IsNumber(d) && d->valuedouble != 0 && off < len)
			off += (size_t)snprintf(out + off, len - off, "%s%s=%.0f", off ? " " : "",
						d->string, d->valuedouble);
	}
	if (off == 0)
		snprintf(out, len, "-");
}

static double
vs_drops_total(const cJSON *drops)
{
	const cJSON *d;
	double t = 0;

	cJSON_ArrayForEach(d, drops)
		if (cJSON_IsNumber(d) && strcmp(d->string, "tx_full") != 0)
			t += d->valuedouble;
	return t;
}

/* "access 10", "trunk 10,20-30 native 1", "untagged" (+ " pcp N"). */
static void
vs_vlan_text(const cJSON *v, char *out, size_t len)
{
	const char *mode = vs_str(v, "mode");
	size_t off;

	if (strcmp(mode, "access") == 0)
		off = (size_t)snprintf(out, len, "access %.0f", vs_num(v, "vid"));
	else if (strcmp(mode, "trunk") == 0)
		off = (size_t)snprintf(out, len, "trunk %s", vs_str(v, "allowed"));
	else
		off = (size_t)snprintf(out, len, "%s", mode);
	if (off < len && vs_num(v, "native") != 0)
		off += (size_t)snprintf(out + off, len - off, " native %.0f", vs_num(v, "native"));
	if (off < len && vs_num(v, "pcp") != 0)
		snprintf(out + off, len - off, " pcp %.0f", vs_num(v, "pcp"));
}

void
vs_print_json(const cJSON *r)
{
	char *s = cJSON_Print(r);

	printf("%s\n", s);
	free(s);
}

static void
vs_print_name_list(const cJSON *arr, char *out, size_t len)
{
	const cJSON *p;
	size_t off = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(p, arr)
		if (cJSON_IsString(p) && off < len)
			off += (size_t)snprintf(out + off, len - off, "%s%s", off ? "," : "",
						p->valuestring);
	if (off == 0)
		snprintf(out, len, "-");
}

void
vs_print_switches(const cJSON *r)
{
	const cJSON *s;
	char ports[512];

	printf("%-16s %-9s %-24s %-20s %s\n", "SWITCH", "TYPE", "UPLINK", "HOST", "PORTS");
	cJSON_ArrayForEach(s, r) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(s, "host_port_name");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(s, "uplink_port_name");

		vs_print_name_list(cJSON_GetObjectItemCaseSensitive(s, "ports"), ports, sizeof(ports));
		printf("%-16s %-9s %-24s %-20s %s\n", vs_str(s, "name"), vs_str(s, "type"),
		       cJSON_IsString(u) ? u->valuestring : "-",
		       cJSON_IsString(h) ? h->valuestring : "-", ports);
	}
}

void
vs_print_switch(const cJSON *r)
{
	char ports[1024];

	const cJSON *h = cJSON_GetObjectItemCaseSensitive(r, "host_port_name");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(r, "uplink_port_name");
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(r, "host");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "allow_management_os");

	vs_print_name_list(cJSON_GetObjectItemCaseSensitive(r, "ports"), ports, sizeof(ports));
	printf("name:                %s\ntype:                %s\n", vs_str(r, "name"),
	       vs_str(r, "type"));
	if (cJSON_IsString(u))
		printf("uplink:              %s (%s)\n", u->valuestring, vs_str(r, "uplink"));
	if (m != NULL)
		printf("allow_management_os: %s\n", cJSON_IsTrue(m) ? "on" : "off");
	if (cJSON_IsString(h))
		printf("host vNIC:           %s (interface %s)\n", h->valuestring,
		       vs_str(host, "ifname"));
	printf("ports:               %s\n", ports);
}

void
vs_print_ports(const cJSON *r)
{
	const cJSON *p;

	char vlan[128];

	printf("%-16s %-16s %-5s %-5s %-20s %12s %12s %10s\n", "PORT", "SWITCH", "KIND", "ADMIN",
	       "VLAN", "RX_PKTS", "TX_PKTS", "DROPS");
	cJSON_ArrayForEach(p, r) {
		const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "stats");

		vs_vlan_text(cJSON_GetObjectItemCaseSensitive(p, "vlan"), vlan, sizeof(vlan));
		printf("%-16s %-16s %-5s %-5s %-20s %12.0f %12.0f %10.0f\n", vs_str(p, "name"),
		       vs_str(p, "switch"), vs_str(p, "kind"), vs_str(p, "admin"), vlan,
		       vs_num(st, "rx_packets"), vs_num(st, "tx_packets"),
		       vs_drops_total(cJSON_GetObjectItemCaseSensitive(st, "drops")));
	}
}

void
vs_print_port(const cJSON *r)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(r, "stats");
	char drops[512];

	vs_drops_text(cJSON_GetObjectItemCaseSensitive(st, "drops"), drops, sizeof(drops));
	printf("name:        %s\nswitch:      %s\nkind:        %s\nadmin:       %s\n",
	       vs_str(r, "name"), vs_str(r, "switch"), vs_str(r, "kind"), vs_str(r, "admin"));
	if (cJSON_HasObjectItem(r, "quarantined"))
		printf("quarantined: %s\n", vs_str(r, "quarantined"));
	if (cJSON_HasObjectItem(r, "quarantine")) {
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(r, "quarantine");

		printf("violations:  %.0f since the last release, %.0f in all; quarantined %.0f "
		       "time%s\n",
		       vs_num(q, "violations"), vs_num(q, "total"), vs_num(q, "times"),
		       vs_num(q, "times") == 1 ? "" : "s");
	}
	if (cJSON_HasObjectItem(r, "devargs"))
		printf("devargs:     %s\n", vs_str(r, "devargs"));
	vs_vlan_text(cJSON_GetObjectItemCaseSensitive(r, "vlan"), drops, sizeof(drops));
	printf("vlan:        %s\n", drops);
	printf("mac:         %s%s\n", vs_str(r, "mac"),
	       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "mac_spoofing")) ? " (spoofing allowed)"
										: "");
	printf("guards:      dhcp %s, router %s\n",
	       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "dhcp_guard")) ? "on" : "off",
	       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "router_guard")) ? "on" : "off");
	{
		const cJSON *ol = cJSON_GetObjectItemCaseSensitive(r, "offload");

		printf("offload:     tx-csum=%s,rx-csum=%s,tso=%s\n",
		       cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ol, "tx_csum")) ? "off" : "on",
		       cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ol, "rx_csum")) ? "off" : "on",
		       cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(ol, "tso")) ? "off" : "on");
		printf("  active:    %s\n  supported: %s\n", vs_str(r, "offload_active"),
		       vs_str(r, "offload_supported"));
	}
	{
		static const char *const cls[][2] = {{"broadcast", "broadcast"},
						      {"multicast", "multicast"},
						      {"unknown_unicast", "unknown-unicast"}};
		const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "storm_control");

		printf("storm:      ");
		if (sc == NULL)
			printf(" off");
		for (unsigned int c = 0; sc != NULL && c < 3; c++) {
			double v = vs_num(sc, cls[c][0]);

			if (v > 0)
				printf(" %s %.0f/s", cls[c][1], v);
			else
				printf(" %s off", cls[c][1]);
			printf("%s", c < 2 ? "," : "");
		}
		printf("\n");
	}
	vs_print_port_vmq(r);
	vs_drops_text(cJSON_GetObjectItemCaseSensitive(st, "drops"), drops, sizeof(drops));
	printf("rx:          %.0f packets, %.0f bytes\n", vs_num(st, "rx_packets"),
	       vs_num(st, "rx_bytes"));
	printf("tx:          %.0f packets, %.0f bytes\n", vs_num(st, "tx_packets"),
	       vs_num(st, "tx_bytes"));
	printf("forwarded:   %.0f unicast, %.0f flooded\n", vs_num(st, "fwd_unicast"),
	       vs_num(st, "fwd_flood"));
	printf("drops:       %s\n", drops);
	if (cJSON_HasObjectItem(r, "backend")) {
		const cJSON *c;

		printf("backend:    ");
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(r, "backend"))
			printf(" %s=%.0f", c->string, c->valuedouble);
		printf("\n");
	}
	if (cJSON_HasObjectItem(r, "link")) {
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(r, "link");

		printf("link:        %s", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "up")) ? "up"
											   : "down");
		if (vs_num(l, "speed_mbps"))
			printf(", %.0f Mbit/s", vs_num(l, "speed_mbps"));
		if (cJSON_HasObjectItem(l, "guest"))
			printf(", guest %s", vs_str(l, "guest"));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "gone")))
			printf(", interface %s removed", vs_str(l, "ifname"));
		else if (cJSON_HasObjectItem(l, "ifname"))
			printf(", interface %s mtu %.0f mac %s, kernel rx %.0f tx %.0f packets "
			       "(dropped %.0f/%.0f)",
			       vs_str(l, "ifname"), vs_num(l, "mtu"), vs_str(l, "mac"),
			       vs_num(l, "rx_packets"), vs_num(l, "tx_packets"), vs_num(l, "rx_dropped"),
			       vs_num(l, "tx_dropped"));
		printf("\n");
	}
}

void
vs_print_fdb(const cJSON *r)
{
	const cJSON *e;

	printf("%-16s %4s  %-17s  %-16s %6s\n", "SWITCH", "VLAN", "MAC", "PORT", "AGE");
	cJSON_ArrayForEach(e, r) {
		char age[16];

		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "static")))
			snprintf(age, sizeof(age), "static");
		else
			snprintf(age, sizeof(age), "%.0f", vs_num(e, "age_s"));
		printf("%-16s %4.0f  %-17s  %-16s %6s\n", vs_str(e, "switch"), vs_num(e, "vlan"),
		       vs_str(e, "mac"), vs_str(e, "port"), age);
	}
}

void
vs_print_flushed(const cJSON *r)
{
	printf("flushed %.0f entries\n", vs_num(r, "flushed"));
}

void
vs_print_stats(const cJSON *r)
{
	const cJSON *p, *w, *fdb = cJSON_GetObjectItemCaseSensitive(r, "fdb");
	char drops[512];

	printf("%-16s %12s %14s %12s %14s %10s %10s  %s\n", "PORT", "RX_PKTS", "RX_BYTES",
	       "TX_PKTS", "TX_BYTES", "UNICAST", "FLOODED", "DROPS");
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(r, "ports")) {
		vs_drops_text(cJSON_GetObjectItemCaseSensitive(p, "drops"), drops, sizeof(drops));
		printf("%-16s %12.0f %14.0f %12.0f %14.0f %10.0f %10.0f  %s\n", vs_str(p, "name"),
		       vs_num(p, "rx_packets"), vs_num(p, "rx_bytes"), vs_num(p, "tx_packets"),
		       vs_num(p, "tx_bytes"), vs_num(p, "fwd_unicast"), vs_num(p, "fwd_flood"),
		       drops);
	}
	printf("\nfdb: %.0f/%.0f entries, learned %.0f, moved %.0f, aged %.0f, overflow %.0f\n",
	       vs_num(fdb, "entries"), vs_num(fdb, "capacity"), vs_num(fdb, "learned"),
	       vs_num(fdb, "moved"), vs_num(fdb, "aged"), vs_num(fdb, "overflow"));
	if (cJSON_HasObjectItem(r, "offload")) {
		const cJSON *ol = cJSON_GetObjectItemCaseSensitive(r, "offload"), *k;

		printf("offload:");
		cJSON_ArrayForEach(k, ol)
			printf(" %s %.0f", k->string, k->valuedouble);
		printf("\n");
	}
	printf("\n%-6s %5s %6s %14s %14s %10s %6s\n", "WORKER", "LCORE", "QUEUES", "PACKETS",
	       "LOOPS", "CYC/PKT", "IDLE");
	cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(r, "workers"))
		printf("%-6.0f %5.0f %6.0f %14.0f %14.0f %10.1f %5.1f%%\n", vs_num(w, "worker"),
		       vs_num(w, "lcore"), vs_num(w, "rx_queues"), vs_num(w, "packets"),
		       vs_num(w, "loops"), vs_num(w, "cycles_per_packet"),
		       100.0 * vs_num(w, "idle_ratio"));
}

void
vs_print_info(const cJSON *r)
{
	printf("version:     %s\ndpdk:        %s\nworkers:     %.0f\nuptime:      %.0f s\n"
	       "switches:    %.0f\nports:       %.0f\nconfig file: %s\nsocket:      %s\n",
	       vs_str(r, "version"), vs_str(r, "dpdk"), vs_num(r, "workers"),
	       vs_num(r, "uptime_s"), vs_num(r, "switches"), vs_num(r, "ports"),
	       vs_str(r, "config_file"), vs_str(r, "socket"));
	if (cJSON_HasObjectItem(r, "memory")) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(r, "memory");

		printf("memory:      %.0f of %.0f mbufs in use, DPDK heap %.1f MB, RSS %.1f MB\n",
		       vs_num(m, "mbufs_in_use"), vs_num(m, "mbufs"), vs_num(m, "heap_bytes") / 1e6,
		       vs_num(m, "rss_bytes") / 1e6);
	}
}

void
vs_print_mac_pool(const cJSON *r)
{
	printf("MAC pool:    %s - %s\n", vs_str(r, "min"), vs_str(r, "max"));
	printf("addresses:   %.0f, %.0f used by ports, next %s\n", vs_num(r, "size"),
	       vs_num(r, "used"), vs_str(r, "next"));
}
