/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * netvsc ports in golden cases.  Each is driven by the guest simulator
 * (netvsp/guest), which opens the port's channel file and brings it up as
 * Linux's hv_netvsc does; the runner then plays the guest's network stack:
 * a port's input frames are the guest's transmissions, and what the guest
 * receives is the port's output.
 *
 * The port's optional "guest" object in topology.json (taken out before
 * the document reaches the control protocol, which does not know it):
 *
 *   "guest": { "packet_filter": ["directed", "broadcast"],
 *              "multicast": ["01:00:5e:00:00:fb"],
 *              "mtu": 9000, "tx": "auto", "vlan_ppi": true, "rsc": true }
 *
 *   packet_filter  NDIS filter set after bring-up, as Linux does when the
 *                  interface's flags change: any of directed, multicast
 *                  (the multicast list), all_multicast, broadcast,
 *                  promiscuous; default Linux's directed, all_multicast,
 *                  broadcast
 *   multicast      the multicast list (at most 32)
 *   mtu            the guest's MTU (NDIS config); default the port's
 *   tx             auto: through send-buffer sections, several frames of
 *                  one injection per message, and GPA-direct pages for
 *                  frames too big for a section (as Linux); section or gpa
 *                  force one way
 *   vlan_ppi       true (default): an input frame's outer 802.1Q tag is
 *                  taken out and sent as 802.1Q per-packet info, as Linux
 *                  does (it offloads tag insertion); false: it stays data
 *   rsc            true (default, as Linux with LRO on): a TCP superframe
 *                  for the guest arrives whole (RSC over VMBus) and is
 *                  written as the guest reassembled it; false: the switch
 *                  cuts it into segments
 *
 * The guest's view is written as its own tcpdump shows it: a frame that
 * came with 802.1Q per-packet info gets that tag back after the source
 * MAC.  Counters "guest.rx_vlan_ppi" and "guest.tx_vlan_ppi" tell how many
 * tags travelled as per-packet info; "netvsp.<counter>" reads the
 * channel's own counters (netvsp.h).
 *
 * Everything runs on the calling thread: while the simulator waits for
 * the host it runs the control poll and one pipeline poll.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <rte_common.h>

#include "golden.h"
#include "golden_priv.h"
#include "guest.h"
#include "netvsp.h"

/* Times the runner retries a transmission the guest could not place (no
 * free section or ring space) while the host catches up. */
#define VS_GOLDEN_SEND_TRIES 100000u

struct vs_golden_guest {
	struct vs_netvsp_guest *g;
	const struct vs_golden_guest_conf *conf;
	uint64_t rx_vlan_ppi, tx_vlan_ppi;
	struct vs_netvsp_guest_frame f;
	uint8_t buf[VS_NETVSP_GUEST_FRAME_MAX + 4];
};

static const struct {
	const char *name;
	uint32_t bit;
} vs_golden_filters[] = {
	{ "directed", VS_GUEST_FILTER_DIRECTED },
	{ "multicast", VS_GUEST_FILTER_MULTICAST },
	{ "all_multicast", VS_GUEST_FILTER_ALL_MULTICAST },
	{ "broadcast", VS_GUEST_FILTER_BROADCAST },
	{ "promiscuous", VS_GUEST_FILTER_PROMISCUOUS },
};

#define VS_GOLDEN_LINUX_FILTER                                                                  \
	(VS_GUEST_FILTER_DIRECTED | VS_GUEST_FILTER_ALL_MULTICAST | VS_GUEST_FILTER_BROADCAST)

static int vs_golden_parse_guest(const cJSON *o, const char *port, struct vs_golden_guest_conf *c,
				 char *err, size_t errlen)
{
	const cJSON *it, *e;

	memset(c, 0, sizeof(*c));
	snprintf(c->port, sizeof(c->port), "%s", port);
	c->filter = VS_GOLDEN_LINUX_FILTER;
	c->vlan_ppi = true;
	c->rsc = true;
	if (o == NULL)
		return 0;
	if (!cJSON_IsObject(o)) {
		vs_golden_errf(err, errlen, "port %s: guest: expected an object", port);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, o) {
		if (strcmp(it->string, "packet_filter") == 0 && cJSON_IsArray(it)) {
			c->filter = 0;
			cJSON_ArrayForEach(e, it) {
				size_t k;

				for (k = 0; k < RTE_DIM(vs_golden_filters); k++)
					if (cJSON_IsString(e) &&
					    strcmp(e->valuestring, vs_golden_filters[k].name) == 0)
						break;
				if (k == RTE_DIM(vs_golden_filters)) {
					vs_golden_errf(err, errlen, "port %s: guest.packet_filter: "
						       "expected directed, multicast, all_multicast, "
						       "broadcast or promiscuous", port);
					return -EINVAL;
				}
				c->filter |= vs_golden_filters[k].bit;
			}
		} else if (strcmp(it->string, "multicast") == 0 && cJSON_IsArray(it)) {
			cJSON_ArrayForEach(e, it) {
				unsigned int b[6];
				char end;

				if (c->n_mc == RTE_DIM(c->mc) || !cJSON_IsString(e) ||
				    sscanf(e->valuestring, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
					   &b[2], &b[3], &b[4], &b[5], &end) != 6) {
					vs_golden_errf(err, errlen, "port %s: guest.multicast: expected "
						       "at most 32 MAC addresses", port);
					return -EINVAL;
				}
				for (int i = 0; i < 6; i++)
					c->mc[c->n_mc][i] = (uint8_t)b[i];
				c->n_mc++;
			}
		} else if (strcmp(it->string, "mtu") == 0 && cJSON_IsNumber(it) &&
			   it->valuedouble >= 68 && it->valuedouble <= 9000) {
			c->mtu = (uint32_t)it->valuedouble;
		} else if (strcmp(it->string, "tx") == 0 && cJSON_IsString(it) &&
			   (strcmp(it->valuestring, "auto") == 0 ||
			    strcmp(it->valuestring, "section") == 0 ||
			    strcmp(it->valuestring, "gpa") == 0)) {
			c->tx = it->valuestring[0] == 'a'   ? VS_GOLDEN_TX_AUTO
				: it->valuestring[0] == 's' ? VS_GOLDEN_TX_SECTION
							    : VS_GOLDEN_TX_GPA;
		} else if (strcmp(it->string, "vlan_ppi") == 0 && cJSON_IsBool(it)) {
			c->vlan_ppi = cJSON_IsTrue(it);
		} else if (strcmp(it->string, "rsc") == 0 && cJSON_IsBool(it)) {
			c->rsc = cJSON_IsTrue(it);
		} else {
			vs_golden_errf(err, errlen, "port %s: guest.%s: unknown key or bad value "
				       "(packet_filter, multicast, mtu 68-9000, tx auto|section|gpa, "
				       "vlan_ppi, rsc)", port, it->string);
			return -EINVAL;
		}
	}
	return 0;
}

int vs_golden_guest_confs(struct vs_golden_session *s, struct cJSON *doc, char *err,
			  size_t errlen)
{
	cJSON *ports = cJSON_GetObjectItemCaseSensitive(doc, "ports"), *p;
	int n_netvsc = 0;

	cJSON_ArrayForEach(p, ports) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *kind = cJSON_GetObjectItemCaseSensitive(p, "kind");
		cJSON *guest = cJSON_DetachItemFromObjectCaseSensitive(p, "guest");
		bool netvsc = cJSON_IsString(kind) && strcmp(kind->valuestring, "netvsc") == 0;
		struct vs_golden_guest_conf *c;
		int rc;

		if (!cJSON_IsString(name)) {
			cJSON_Delete(guest);
			continue; /* the control protocol says what is wrong */
		}
		if (guest && !netvsc) {
			vs_golden_errf(err, errlen, "port %s: only a netvsc port has a guest",
				       name->valuestring);
			cJSON_Delete(guest);
			return -EINVAL;
		}
		if (!netvsc)
			continue;
		n_netvsc++;
		/* A made-up MAC would differ on every run. */
		if (!cJSON_HasObjectItem(p, "mac")) {
			vs_golden_errf(err, errlen, "port %s: a netvsc port needs its \"mac\" in a "
				       "golden case", name->valuestring);
			cJSON_Delete(guest);
			return -EINVAL;
		}
		c = realloc(s->guest_confs, (s->n_guest_confs + 1) * sizeof(*c));
		if (!c) {
			cJSON_Delete(guest);
			vs_golden_errf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		s->guest_confs = c;
		c = &s->guest_confs[s->n_guest_confs];
		rc = vs_golden_parse_guest(guest, name->valuestring, c, err, errlen);
		cJSON_Delete(guest);
		if (rc < 0)
			return rc;
		s->n_guest_confs++;
	}
	return n_netvsc;
}

/* What the host does between two looks of a waiting guest. */
static void vs_golden_host_poll(void *arg)
{
	struct vs_golden_session *s = arg;

	vs_dp_ctl_poll(s->dp, NULL);
	vs_dp_poll_once(s->dp);
}

int vs_golden_guest_open(struct vs_golden_session *s, unsigned int slot, char *err,
			 size_t errlen)
{
	struct vs_golden_port *p = &s->ports[slot];
	struct vs_netvsp_guest_opts o = { .recv_buf_size = 4u << 20, .timeout_ms = 5000,
					  .idle = vs_golden_host_poll, .idle_arg = s };
	const struct vs_golden_guest_conf *c = NULL;
	struct vs_golden_guest *gg;
	char path[128];
	int rc;

	for (unsigned int i = 0; i < s->n_guest_confs; i++)
		if (strcmp(s->guest_confs[i].port, p->name) == 0)
			c = &s->guest_confs[i];
	if (!c) {
		vs_golden_errf(err, errlen, "port %s: no guest settings", p->name);
		return -EINVAL;
	}
	gg = calloc(1, sizeof(*gg));
	if (!gg) {
		vs_golden_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	gg->conf = c;
	o.mtu = c->mtu;
	o.no_rsc = !c->rsc;
	snprintf(path, sizeof(path), "%s/%s", s->chan_dir, p->name);
	rc = vs_netvsp_guest_open(path, &o, &gg->g);
	if (rc < 0) {
		vs_golden_errf(err, errlen, "port %s: guest: opening %s: %s", p->name, path,
			       strerror(-rc));
		free(gg);
		return rc;
	}
	p->guest = gg;
	rc = vs_netvsp_guest_bringup(gg->g);
	if (rc == 0 && c->n_mc > 0)
		rc = vs_netvsp_guest_set_multicast(gg->g, (const uint8_t(*)[6])c->mc, c->n_mc);
	if (rc == 0 && c->filter != VS_GOLDEN_LINUX_FILTER)
		rc = vs_netvsp_guest_set_filter(gg->g, c->filter);
	if (rc < 0)
		vs_golden_errf(err, errlen, "port %s: guest bring-up: %s", p->name, strerror(-rc));
	return rc;
}

void vs_golden_guest_close(struct vs_golden_port *p)
{
	if (!p->guest)
		return;
	vs_netvsp_guest_close(p->guest->g);
	free(p->guest);
	p->guest = NULL;
}

static void vs_golden_pump(struct vs_golden_session *s)
{
	char err[8];

	vs_golden_host_poll(s);
	(void)vs_golden_guests_poll(s, err, 0);
}

/* A frame's offload request as hv_netvsc puts it in per-packet info (ref
 * §4.11): LSOv2 (MSS in bits 0-19, TCP header offset 20-29, type v2 bit
 * 30, IPv6 bit 31) or checksum (IPv4 bit 0, IPv6 1, TCP 2, UDP 3, L4
 * offset 16-25).  shift: bytes of tag taken out of the data before it. */
static void vs_golden_offload_ppi(const struct vs_golden_ppi *f, struct vs_netvsp_guest_ppi *pp,
				  uint32_t shift)
{
	uint32_t off = f->l4_off >= shift ? f->l4_off - shift : 0;

	pp->lso = f->lso_mss != 0;
	pp->csum = f->csum != 0;
	pp->lso_info = f->lso_mss | off << 20 | 1u << 30 | (f->ipv6 ? 1u << 31 : 0);
	pp->csum_info = (f->ipv6 ? 2u : 1u) | (f->csum == 6 ? 4u : 8u) | off << 16;
}

/* Sends frames [*i, *i + k) through one send-buffer section, or, when it
 * does not fit one, fewer (auto: one GPA-direct when even one does not). */
static int vs_golden_send_section(struct vs_golden_session *s, struct vs_golden_guest *gg,
				  const void **data, uint32_t *lens,
				  struct vs_netvsp_guest_ppi *ppi, unsigned int k)
{
	enum vs_netvsp_guest_path path = VS_GUEST_TX_SECTION;
	unsigned int tries = 0;
	int rc;

	for (;;) {
		rc = vs_netvsp_guest_send(gg->g, data, lens, ppi, k, path);
		if (rc == 0)
			return (int)k;
		if (rc == -EMSGSIZE && k > 1) {
			k /= 2;
		} else if (rc == -EMSGSIZE && gg->conf->tx == VS_GOLDEN_TX_AUTO &&
			   path == VS_GUEST_TX_SECTION) {
			path = VS_GUEST_TX_GPA;
		} else if (rc == -EAGAIN && ++tries < VS_GOLDEN_SEND_TRIES) {
			vs_golden_pump(s);
		} else {
			return rc;
		}
	}
}

int vs_golden_guest_send(struct vs_golden_session *s, unsigned int slot,
			 const struct vs_golden_frame *const *frames, unsigned int n, char *err,
			 size_t errlen)
{
	struct vs_golden_port *p = &s->ports[slot];
	struct vs_golden_guest *gg = p->guest;
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest_ppi *ppi = calloc(n, sizeof(*ppi));
	const void **data = calloc(n, sizeof(*data));
	uint32_t *lens = calloc(n, sizeof(*lens));
	uint8_t **copies = calloc(n, sizeof(*copies));
	unsigned int i = 0;
	int rc = 0;

	if (!ppi || !data || !lens || !copies) {
		vs_golden_errf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	vs_netvsp_guest_stats(gg->g, &st);
	for (i = 0; i < n; i++) {
		const uint8_t *d = frames[i]->data;
		uint32_t len = frames[i]->len;

		data[i] = d;
		lens[i] = len;
		vs_golden_offload_ppi(&frames[i]->ppi, &ppi[i], 0);
		if (!gg->conf->vlan_ppi || len < 18 || d[12] != 0x81 || d[13] != 0x00)
			continue;
		/* The tag leaves the data and travels as per-packet info. */
		copies[i] = malloc(len - 4);
		if (!copies[i]) {
			vs_golden_errf(err, errlen, "out of memory");
			rc = -ENOMEM;
			goto out;
		}
		memcpy(copies[i], d, 12);
		memcpy(copies[i] + 12, d + 16, len - 16);
		data[i] = copies[i];
		lens[i] = len - 4;
		ppi[i].vlan = true;
		ppi[i].tci = (uint16_t)(d[14] << 8 | d[15]);
		vs_golden_offload_ppi(&frames[i]->ppi, &ppi[i], 4);
		gg->tx_vlan_ppi++;
	}
	for (i = 0; i < n && rc >= 0;) {
		unsigned int k = gg->conf->tx == VS_GOLDEN_TX_GPA ? 0 : RTE_MIN(n - i, st.max_pkts);

		if (k > 0) {
			rc = vs_golden_send_section(s, gg, data + i, lens + i, ppi + i, k);
			if (rc > 0)
				i += (unsigned int)rc;
			continue;
		}
		for (unsigned int tries = 0;; tries++) {
			rc = vs_netvsp_guest_send(gg->g, data + i, lens + i, ppi + i, 1,
						  VS_GUEST_TX_GPA);
			if (rc != -EAGAIN || tries == VS_GOLDEN_SEND_TRIES)
				break;
			vs_golden_pump(s);
		}
		if (rc == 0)
			i++;
	}
	if (rc < 0)
		vs_golden_errf(err, errlen, "port %s: the guest could not send frame %u of %u "
			       "(%u bytes): %s", p->name, i + 1, n, lens[i], strerror(-rc));
out:
	for (unsigned int j = 0; copies && j < n; j++)
		free(copies[j]);
	free(copies);
	free(lens);
	free(data);
	free(ppi);
	return rc < 0 ? rc : 0;
}

/* One received frame into the port's output, its 802.1Q info as a tag. */
static int vs_golden_guest_take(struct vs_golden_session *s, struct vs_golden_port *p)
{
	struct vs_golden_guest *gg = p->guest;
	const struct vs_netvsp_guest_frame *f = &gg->f;
	const uint8_t *d = f->data;
	uint32_t len = f->len;

	s->transmitted++;
	if (f->vlan) {
		gg->rx_vlan_ppi++;
		if (len >= 12) {
			memcpy(gg->buf, f->data, 12);
			gg->buf[12] = 0x81;
			gg->buf[13] = 0x00;
			gg->buf[14] = (uint8_t)(f->tci >> 8);
			gg->buf[15] = (uint8_t)f->tci;
			memcpy(gg->buf + 16, f->data + 12, len - 12);
			d = gg->buf;
			len += 4;
		}
	}
	if (!s->keep_output)
		return 0;
	return vs_golden_flist_add(&p->out, s->now_ns, d, len, len);
}

int vs_golden_guests_poll(struct vs_golden_session *s, char *err, size_t errlen)
{
	int work = 0;

	for (unsigned int i = 0; i < s->n_ports; i++) {
		struct vs_golden_port *p = &s->ports[i];
		struct vs_netvsp_guest_stats st;

		if (!p->guest)
			continue;
		work += vs_netvsp_guest_poll(p->guest->g);
		while (vs_netvsp_guest_recv(p->guest->g, &p->guest->f) == 0) {
			if (vs_golden_guest_take(s, p) < 0) {
				vs_golden_errf(err, errlen, "out of memory collecting output");
				return -ENOMEM;
			}
		}
		vs_netvsp_guest_stats(p->guest->g, &st);
		if (st.protocol_errors != 0 || st.rx_dropped != 0) {
			vs_golden_errf(err, errlen, "port %s: the guest saw %llu protocol errors and "
				       "dropped %llu frames", p->name,
				       (unsigned long long)st.protocol_errors,
				       (unsigned long long)st.rx_dropped);
			return -EPROTO;
		}
	}
	return work;
}

unsigned int vs_golden_guests_outstanding(const struct vs_golden_session *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < s->n_ports; i++)
		if (s->ports[i].guest)
			n += vs_netvsp_guest_tx_outstanding(s->ports[i].guest->g);
	return n;
}

struct vs_golden_find {
	const char *name;
	uint64_t value;
};

static void vs_golden_find_counter(const char *name, uint64_t value, void *arg)
{
	struct vs_golden_find *f = arg;

	if (strcmp(name, f->name) == 0)
		f->value = value;
}

int vs_golden_guest_counter(const struct vs_golden_session *s, unsigned int slot,
			    const char *name, uint64_t *out)
{
	const struct vs_golden_port *p = &s->ports[slot];
	struct vs_netvsp_guest_stats st;

	if (strncmp(name, "netvsp.", 7) == 0) {
		struct vs_golden_find f = { name + 7, 0 };
		unsigned int c;

		for (c = 0; c < VS_NETVSP_N_COUNTERS; c++)
			if (strcmp(f.name, vs_netvsp_counter_name((enum vs_netvsp_counter)c)) == 0)
				break;
		if (c == VS_NETVSP_N_COUNTERS)
			return -ENOENT;
		if (!p->guest)
			return -EINVAL;
		/* Only counters that are not zero are reported. */
		vs_dp_port_backend_counters(s->dp, p->idx, vs_golden_find_counter, &f);
		*out = f.value;
		return 0;
	}
	if (strncmp(name, "guest.", 6) != 0)
		return -ENOENT;
	if (!p->guest)
		return -EINVAL;
	vs_netvsp_guest_stats(p->guest->g, &st);
	name += 6;
	if (strcmp(name, "rx_frames") == 0)
		*out = st.rx_frames;
	else if (strcmp(name, "rx_vlan_ppi") == 0)
		*out = p->guest->rx_vlan_ppi;
	else if (strcmp(name, "tx_frames") == 0)
		*out = st.tx_sent;
	else if (strcmp(name, "tx_vlan_ppi") == 0)
		*out = p->guest->tx_vlan_ppi;
	else if (strcmp(name, "tx_failed") == 0)
		*out = st.tx_failed;
	else
		return -ENOENT;
	return 0;
}
