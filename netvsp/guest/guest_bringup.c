/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest simulator: the NVSP and RNDIS bring-up of hv_netvsc (ref §5.1,
 * documented in guest.h) and its teardown (ref §5.5), built from the
 * requests of guest.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_priv.h"

/* ---- bring-up (ref §5.1) and teardown (ref §5.5) ---- */

static const uint32_t try_versions[] = {NVSP_V61, NVSP_V6, NVSP_V5, NVSP_V4, NVSP_V2, NVSP_V1};

static int
negotiate(struct vs_netvsp_guest *g)
{
	for (size_t i = 0; i < sizeof(try_versions) / sizeof(try_versions[0]); i++) {
		struct nvsp_init m = {NVSP_INIT, try_versions[i], try_versions[i]};
		struct nvsp_init_complete c;
		uint32_t n = sizeof(c);
		int rc;

		if (try_versions[i] > g->o.max_version)
			continue;
		rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), true, &c, &n);
		if (rc != 0)
			return rc;
		/* Linux reads the completion only if ≥ 28 bytes (ref §3.4). */
		if (n < NVSP_MSG_LEGACY || c.type != NVSP_INIT_COMPLETE)
			return -EPROTO;
		if (c.status == NVSP_STAT_SUCCESS) {
			g->version = try_versions[i];
			g->st.nvsp_version = g->version;
			return 0;
		}
	}
	return -EPROTO;
}

static int
buffers(struct vs_netvsp_guest *g)
{
	struct nvsp_buf m = {NVSP_RECV_BUF, G_RECV_GPADL, NVSP_RECV_BUF_ID};
	struct nvsp_recv_buf_complete rc_;
	struct nvsp_send_buf_complete sc;
	uint32_t n = sizeof(rc_);
	int rc;

	vs_netvsp_guest_gpadl(g, G_RECV_GPADL, g->recv_off, g->recv_size);
	rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), true, &rc_, &n);
	if (rc != 0)
		return rc;
	/* Linux's checks on the answer (ref §2.2). */
	if (n < NVSP_MSG_LEGACY || rc_.type != NVSP_RECV_BUF_COMPLETE ||
	    rc_.status != NVSP_STAT_SUCCESS || rc_.num_sections != 1 || rc_.offset != 0 ||
	    rc_.sub_size < 68 || (uint64_t)rc_.sub_size * rc_.num_sub > g->recv_size)
		return -EPROTO;
	g->sub_size = g->st.sub_size = rc_.sub_size;
	g->num_sub = g->st.num_sub = rc_.num_sub;
	g->recv_ok = true;
	free(g->held);
	g->held_cap = g->num_sub;
	g->held = calloc(g->held_cap, sizeof(*g->held));
	if (g->held == NULL)
		return -ENOMEM;
	if (g->o.skip_send_buf)
		return 0;
	vs_netvsp_guest_gpadl(g, G_SEND_GPADL, g->send_off, g->send_size);
	m = (struct nvsp_buf){NVSP_SEND_BUF, G_SEND_GPADL, 0};
	n = sizeof(sc);
	rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), true, &sc, &n);
	if (rc != 0)
		return rc;
	if (n < 12 || sc.type != NVSP_SEND_BUF_COMPLETE || sc.status != NVSP_STAT_SUCCESS ||
	    sc.section_size < 68)
		return -EPROTO;
	g->section_size = g->st.section_size = sc.section_size;
	g->num_sections = g->send_size / sc.section_size;
	if (g->num_sections > G_MAX_SECTIONS)
		g->num_sections = G_MAX_SECTIONS;
	for (uint32_t i = g->num_sections; i-- > 0;)
		g->sec_free[g->n_sec_free++] = i;
	g->send_ok = true;
	return 0;
}

static int
rndis_init(struct vs_netvsp_guest *g)
{
	struct rndis_init m = {{RNDIS_INIT, sizeof(m)}, 0, 1, 0, 0x4000};
	struct rndis_init_cmplt c;
	uint32_t n = sizeof(c);
	int rc = vs_netvsp_guest_rndis(g, &m, sizeof(m), true, &c, &n);

	if (rc != 0)
		return rc;
	if (n < 48 || c.status != RNDIS_SUCCESS)
		return -EPROTO;
	g->max_pkts = g->st.max_pkts = c.max_pkts ? c.max_pkts : 1;
	g->align = 1u << (c.align_log2 < 12 ? c.align_log2 : 3);
	return 0;
}

static int
query_u32(struct vs_netvsp_guest *g, uint32_t oid, uint32_t *v)
{
	uint32_t n = 4, st;
	int rc = vs_netvsp_guest_query(g, oid, NULL, 0, v, &n, &st);

	return rc != 0 ? rc : (st != RNDIS_SUCCESS || n != 4) ? -EPROTO : 0;
}

static int
device_setup(struct vs_netvsp_guest *g)
{
	uint8_t buf[512];
	uint32_t v, n, st;
	int rc;

	if ((rc = query_u32(g, OID_GEN_MAXIMUM_FRAME_SIZE, &v)) != 0)
		return rc;
	/* As rndis_filter_device_add: lowered to the host's, never raised. */
	if (v < g->st.l3_mtu)
		g->st.l3_mtu = v;
	n = 6;
	rc = vs_netvsp_guest_query(g, OID_802_3_PERMANENT_ADDRESS, NULL, 0, g->st.mac, &n, &st);
	if (rc != 0 || n != 6)
		return rc ? rc : -EPROTO;
	if (!g->o.skip_optional_oids) {
		struct ndis_obj_hdr h = {NDIS_OBJ_OFFLOAD, 3, NDIS_OFFLOAD_SIZE};
		struct ndis_offload_params op = {.h = {NDIS_OBJ_DEFAULT, 3, 28}};

		n = sizeof(buf); /* failure tolerated, as in Linux */
		if ((rc = vs_netvsp_guest_query(g, OID_GEN_FRIENDLY_NAME, NULL, 0, buf, &n, &st)))
			return rc;
		n = sizeof(buf);
		rc = vs_netvsp_guest_query(g, OID_TCP_OFFLOAD_HW_CAPS, &h, sizeof(h), buf, &n, &st);
		if (rc != 0 || st != RNDIS_SUCCESS || n != NDIS_OFFLOAD_SIZE)
			return rc ? rc : -EPROTO;
		op.ip4_csum = op.tcp4_csum = op.tcp6_csum = 4; /* TX and RX */
		op.udp4_csum = op.udp6_csum = g->version > NVSP_V4 ? 4 : 0;
		op.lso_v2_ip4 = op.lso_v2_ip6 = 2;
		op.h.size = g->version > NVSP_V4 ? 28 : 22;
		/* As rndis_netdev_set_hwcaps: RSC (LRO) when the host offers
		 * it for both IP versions, on unless turned off. */
		if (op.h.size >= 28 && buf[NDIS_OFFLOAD_RSC_IP4] && buf[NDIS_OFFLOAD_RSC_IP6]) {
			op.rsc_ip4 = op.rsc_ip6 = g->o.no_rsc ? NDIS_RSC_OFF : NDIS_RSC_ON;
			g->rsc_on = g->rsc_ever = !g->o.no_rsc;
			g->rsc_offered = true;
		}
		g->offload = op;
		if ((rc = vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &op, op.h.size, &st)))
			return rc;
		if (st != RNDIS_SUCCESS)
			return -EPROTO;
		g->st.rsc = g->rsc_on;
	}
	if ((rc = query_u32(g, OID_GEN_MEDIA_CONNECT_STATUS, &v)) != 0)
		return rc;
	g->st.link_up = v == 0;
	if (!g->o.skip_optional_oids && g->version >= NVSP_V5) {
		if ((rc = query_u32(g, OID_GEN_LINK_SPEED, &v)) != 0)
			return rc;
		n = sizeof(buf);
		rc = vs_netvsp_guest_query(g, OID_GEN_RSS_CAPS, NULL, 0, buf, &n, &st);
		if (rc != 0 || st != RNDIS_SUCCESS || n != sizeof(struct ndis_rss_caps))
			return rc ? rc : -EPROTO;
	}
	if (g->o.subchannels > 0 && g->version >= NVSP_V5 && (rc = vs_guest_multiqueue(g)) != 0)
		return rc;
	if (g->o.no_filter)
		return 0;
	return vs_netvsp_guest_set_filter(g, NDIS_FILTER_DIRECTED | NDIS_FILTER_ALL_MULTICAST |
						     NDIS_FILTER_BROADCAST);
}

int
vs_netvsp_guest_set_rsc(struct vs_netvsp_guest *g, bool on)
{
	struct ndis_offload_params op = g->offload;
	uint32_t st;
	int rc;

	if (!g->rsc_offered)
		return -EOPNOTSUPP;
	op.rsc_ip4 = op.rsc_ip6 = on ? NDIS_RSC_ON : NDIS_RSC_OFF;
	rc = vs_netvsp_guest_set(g, OID_TCP_OFFLOAD_PARAMETERS, &op, op.h.size, &st);
	if (rc != 0)
		return rc;
	if (st != RNDIS_SUCCESS)
		return -EPROTO;
	g->offload = op;
	g->rsc_on = g->st.rsc = on;
	g->rsc_ever |= on;
	return 0;
}

int
vs_netvsp_guest_set_filter(struct vs_netvsp_guest *g, uint32_t filter)
{
	uint32_t st;
	int rc = vs_netvsp_guest_set(g, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, &st);

	return rc != 0 ? rc : st != RNDIS_SUCCESS ? -EPROTO : 0;
}

int
vs_netvsp_guest_set_multicast(struct vs_netvsp_guest *g, const uint8_t (*macs)[6], uint32_t n)
{
	uint32_t st;
	int rc;

	if (n > 1024 / 6)
		return -EINVAL;
	rc = vs_netvsp_guest_set(g, OID_802_3_MULTICAST_LIST, macs, 6 * n, &st);
	return rc != 0 ? rc : st != RNDIS_SUCCESS ? -EPROTO : 0;
}

int
vs_netvsp_guest_bringup(struct vs_netvsp_guest *g)
{
	uint32_t caps;
	int rc;

	if ((rc = negotiate(g)) != 0)
		return rc;
	/* Arena: receive buffer, send buffer, GPA slots, one control page. */
	g->recv_size = g->o.recv_buf_size ? g->o.recv_buf_size
		       : g->version <= NVSP_V2 ? 15u << 20 : 16u << 20;
	g->send_size = g->o.send_buf_size ? g->o.send_buf_size : 1u << 20;
	g->recv_off = 0;
	g->send_off = g->recv_off + g->recv_size;
	g->slot_off = g->send_off + g->send_size;
	g->ctl_off = g->slot_off + (uint64_t)G_SLOTS * G_SLOT_PAGES * VS_PAGE;
	if (g->ctl_off + 2 * VS_PAGE > g->arena_size || (g->recv_size | g->send_size) % VS_PAGE)
		return -ENOSPC;
	for (uint32_t i = G_SLOTS; i-- > 0;)
		g->slot_free[g->n_slot_free++] = i;
	if (g->version >= NVSP_V2 && !g->o.skip_ndis_config) {
		struct nvsp_ndis_config m = {NVSP_NDIS_CONFIG, g->st.l3_mtu + 14, 0, 0};

		caps = NVSP_CAP_8021Q;
		if (g->version >= NVSP_V5)
			caps |= NVSP_CAP_SRIOV | NVSP_CAP_TEAMING;
		if (g->version >= NVSP_V61)
			caps |= NVSP_CAP_RSC;
		m.caps = caps;
		if ((rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), false, NULL, NULL)) != 0)
			return rc;
	}
	if (!g->o.skip_ndis_version) {
		struct nvsp_ndis_version m = {NVSP_NDIS_VERSION, 6, g->version <= NVSP_V4 ? 1 : 30};

		if ((rc = vs_netvsp_guest_nvsp(g, &m, sizeof(m), false, NULL, NULL)) != 0)
			return rc;
	}
	if ((rc = buffers(g)) != 0 || (rc = rndis_init(g)) != 0)
		return rc;
	return device_setup(g);
}

void
vs_netvsp_guest_close(struct vs_netvsp_guest *g)
{
	struct rndis_req halt = {{RNDIS_HALT, sizeof(halt)}, 0};
	struct nvsp_revoke r = {NVSP_REVOKE_RECV_BUF, NVSP_RECV_BUF_ID};

	if (g == NULL)
		return;
	/* No host answers on a rescinded channel: nothing to say to it. */
	if (vs_netvsp_guest_rescinded(g))
		g->recv_ok = g->send_ok = false;
	if (g->recv_ok) {
		vs_netvsp_guest_hold_completions(g, false);
		vs_netvsp_guest_rndis(g, &halt, sizeof(halt), false, NULL, NULL);
		vs_netvsp_guest_nvsp(g, &r, sizeof(r), false, NULL, NULL);
	}
	if (g->send_ok) {
		r = (struct nvsp_revoke){NVSP_REVOKE_SEND_BUF, 0};
		vs_netvsp_guest_nvsp(g, &r, sizeof(r), false, NULL, NULL);
	}
	__atomic_store_n(&g->hdr->sub_open, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&g->hdr->guest_state, VS_GUEST_CLOSED, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < VS_CHAN_GPADLS; i++)
		g->hdr->gpadl[i].flags = 0;
	munmap(g->map, g->map_len);
	close(g->fd);
	free(g->rxq);
	free(g->rxd);
	free(g->held);
	free(g);
}
