/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace: one frame through the real pipeline (vs_dp_trace), answered stage
 * by stage: the parsed headers, the VLAN classification, what learning would
 * do, the MAC lookup, and every frame egress would send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "rpc_priv.h"

#define VS_TRACE_MAX_LEN 16384

static int
vs_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex digits, optionally separated by spaces or colons. */
static int
vs_unhex(const char *s, uint8_t *out, uint32_t max, uint32_t *len, char *err, size_t errlen)
{
	uint32_t n = 0;

	while (*s) {
		int hi, lo;

		if (*s == ' ' || *s == ':' || *s == '\n' || *s == '\t') {
			s++;
			continue;
		}
		hi = vs_hex_val(s[0]);
		lo = hi < 0 ? -1 : vs_hex_val(s[1]);
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "frame: not hex at '%.8s'", s);
			return -EINVAL;
		}
		if (n == max) {
			snprintf(err, errlen, "frame: longer than %u bytes", max);
			return -EINVAL;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*len = n;
	return 0;
}

static void
vs_hex_add(cJSON *o, const char *key, const uint8_t *p, uint32_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * (size_t)len + 1);
	uint32_t i;

	if (s == NULL)
		return;
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * len] = '\0';
	cJSON_AddStringToObject(o, key, s);
	free(s);
}

static void
vs_mac_add(cJSON *o, const char *key, const uint8_t *p)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	{
		struct rte_ether_addr ea_; /* the bytes may sit at any address */

		memcpy(ea_.addr_bytes, p, 6);
		rte_ether_format_addr(mac, sizeof(mac), &ea_);
	}
	cJSON_AddStringToObject(o, key, mac);
}

/* The headers as a network engineer reads them: addresses, each tag,
 * the type, and the IP addresses and protocol when there are some. */
static cJSON *
vs_trace_headers(const uint8_t *f, uint32_t len)
{
	cJSON *h = cJSON_CreateObject(), *tags;
	uint32_t off = 12;
	uint16_t type;

	if (len < RTE_ETHER_HDR_LEN) {
		cJSON_AddStringToObject(h, "error", "shorter than an Ethernet header");
		return h;
	}
	vs_mac_add(h, "dst", f);
	vs_mac_add(h, "src", f + 6);
	tags = cJSON_AddArrayToObject(h, "tags");
	type = (uint16_t)(f[off] << 8 | f[off + 1]);
	while ((type == 0x8100 || type == 0x88a8) && off + 6 <= len) {
		cJSON *t = cJSON_CreateObject();
		uint16_t tci = (uint16_t)(f[off + 2] << 8 | f[off + 3]);

		cJSON_AddStringToObject(t, "tpid", type == 0x8100 ? "802.1Q" : "802.1ad");
		cJSON_AddNumberToObject(t, "vid", tci & 0xfff);
		cJSON_AddNumberToObject(t, "pcp", tci >> 13);
		cJSON_AddNumberToObject(t, "dei", (tci >> 12) & 1);
		cJSON_AddItemToArray(tags, t);
		off += 4;
		type = (uint16_t)(f[off] << 8 | f[off + 1]);
	}
	cJSON_AddNumberToObject(h, "ethertype", type);
	off += 2;
	if (type == RTE_ETHER_TYPE_IPV4 && off + sizeof(struct rte_ipv4_hdr) <= len) {
		const uint8_t *ip = f + off;
		char a[16];

		snprintf(a, sizeof(a), "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
		cJSON_AddStringToObject(h, "ip_src", a);
		snprintf(a, sizeof(a), "%u.%u.%u.%u", ip[16], ip[17], ip[18], ip[19]);
		cJSON_AddStringToObject(h, "ip_dst", a);
		cJSON_AddNumberToObject(h, "ip_proto", ip[9]);
	} else if (type == RTE_ETHER_TYPE_IPV6 && off + 40 <= len) {
		cJSON_AddNumberToObject(h, "ip_proto", f[off + 6]);
	}
	return h;
}

static int
vs_m_trace(struct vs_ctl *c, const cJSON *p, cJSON **res, char *err, size_t errlen)
{
	static const char *const keys[] = {"port", "frame", NULL};
	static const char *const learn[] = {
		[VS_TRACE_LEARN_NONE] = "not reached",
		[VS_TRACE_LEARN_REFRESH] = "known on this port: refreshed",
		[VS_TRACE_LEARN_NEW] = "would be learned",
		[VS_TRACE_LEARN_MOVE] = "known on another port: would move here",
		[VS_TRACE_LEARN_FULL] = "table full: would not be learned",
		[VS_TRACE_LEARN_STATIC] = "another port's configured MAC: not moved",
	};
	char port[VS_NAME_MAX], *hex;
	const cJSON *fj;
	struct vs_trace *t;
	uint8_t *frame;
	uint32_t len;
	cJSON *o, *eg;
	unsigned int i;
	int rc, idx;

	if ((rc = vs_ctl_check_keys(p, "", keys, err, errlen)) != 0 ||
	    (rc = vs_ctl_get_str(p, "", "port", 1, port, sizeof(port), err, errlen)) != 0)
		return rc;
	fj = cJSON_GetObjectItemCaseSensitive(p, "frame");
	if (!cJSON_IsString(fj)) {
		snprintf(err, errlen, "frame: required, hex digits of one Ethernet frame");
		return -EINVAL;
	}
	idx = vs_dp_port_index(c->dp, port);
	if (idx < 0) {
		snprintf(err, errlen, "port: no port named '%s'", port);
		return -ENOENT;
	}
	hex = fj->valuestring;
	frame = malloc(VS_TRACE_MAX_LEN);
	t = malloc(sizeof(*t));
	if (frame == NULL || t == NULL) {
		free(frame);
		free(t);
		return -ENOMEM;
	}
	rc = vs_unhex(hex, frame, VS_TRACE_MAX_LEN, &len, err, errlen);
	if (rc == 0)
		rc = vs_dp_trace(c->dp, (unsigned int)idx, frame, len, t, err, errlen);
	if (rc != 0) {
		free(frame);
		free(t);
		return rc;
	}
	*res = cJSON_CreateObject();
	cJSON_AddStringToObject(*res, "port", port);
	cJSON_AddNumberToObject(*res, "len", len);
	cJSON_AddItemToObject(*res, "headers", vs_trace_headers(frame, len));
	if (t->classified) {
		o = cJSON_AddObjectToObject(*res, "vlan");
		cJSON_AddNumberToObject(o, "vlan", t->vlan);
		cJSON_AddNumberToObject(o, "pcp", t->tci >> 13);
		cJSON_AddNumberToObject(o, "dei", (t->tci >> 12) & 1);
	}
	cJSON_AddStringToObject(*res, "learn", learn[t->learn]);
	if (t->lookup_port >= 0)
		cJSON_AddStringToObject(*res, "lookup", vs_dp_port_name(c->dp, (unsigned int)t->lookup_port));
	else
		cJSON_AddStringToObject(*res, "lookup",
					t->lookup_port == VS_TRACE_UNKNOWN ? "unknown: flood"
					: t->lookup_port == VS_TRACE_KNOWN_DROPPED
						? "known, but not a port to send to"
					: t->classified ? "group address: flood" : "not reached");
	cJSON_AddStringToObject(*res, "verdict",
				t->drop == VS_DROP_MAX ? "forwarded" : vs_drop_reason_name(t->drop));
	eg = cJSON_AddArrayToObject(*res, "egress");
	for (i = 0; i < t->n_egress; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "port", vs_dp_port_name(c->dp, t->egress[i].port));
		cJSON_AddStringToObject(o, "encap", t->egress[i].tagged ? "tagged" : "as is");
		cJSON_AddNumberToObject(o, "len", t->egress[i].len);
		cJSON_AddItemToObject(o, "headers",
				      vs_trace_headers(t->egress[i].frame, t->egress[i].len));
		vs_hex_add(o, "frame", t->egress[i].frame, t->egress[i].len);
		cJSON_AddItemToArray(eg, o);
	}
	vs_trace_release(t);
	free(t);
	free(frame);
	return 0;
}

int
vs_ctl_register_trace_methods(struct vs_ctl *c)
{
	return vs_ctl_method_register(c, "trace", vs_m_trace);
}
