/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NVSP control messages (ref §3), handled on the control thread.
 *
 * Guest-controlled fields and their bounds (ref §6.2):
 *   field                        bound
 *   payload length               ≥ the bytes the type's fields occupy (below)
 *   type                         known, used by netvsc, allowed in this
 *                                version; INIT only before negotiation,
 *                                everything else only after
 *   INIT min/max version         one of 1, 2, 4, 5, 6, 6.1 inside [min, max]
 *   100/125/101/104              once per NVSP session
 *   125 mtu                      [1514, 9216], else 1514 (ref §3.5)
 *   101/104 gpadl handle         a valid entry of the header's GPADL table
 *   GPADL offset, length         page aligned, length > 0,
 *                                offset ≤ arena && length ≤ arena − offset,
 *                                length ≤ VS_MAX_BUF
 *   101 buffer size              ≥ (VS_CTL_SUBS + 2) sections
 *   103/106 id                   the id registered by 101/104
 *   129 datapath                 0 or 1
 *   133 op                       1
 * A message failing a check is counted and, if the guest asked for a
 * completion, completed with NVSP_STAT_FAILURE in the type's completion
 * format; the channel carries on.
 */
#include <errno.h>
#include <string.h>

#include "netvsp_priv.h"

static const uint32_t versions[] = {NVSP_V61, NVSP_V6, NVSP_V5, NVSP_V4, NVSP_V2, NVSP_V1};

bool
vs_nvsp_version_ok(uint32_t v)
{
	for (size_t i = 0; i < RTE_DIM(versions); i++)
		if (versions[i] == v)
			return true;
	return false;
}

uint32_t
vs_nvsp_wire_len(uint32_t version, uint32_t type)
{
	/* DPDK needs the 133 completion at 40 bytes whatever the version;
	 * otherwise 28 rounded to 32 before 6.1, 40 from 6.1 (ref §3.4). */
	if (type == NVSP_SUBCHANNEL || version >= NVSP_V61)
		return NVSP_MSG_V61;
	return 32;
}

/* Bytes of the message that the host reads, per type; 0 = not accepted. */
static uint32_t
body_len(uint32_t type)
{
	switch (type) {
	case NVSP_INIT:
	case NVSP_NDIS_VERSION:
		return 12;
	case NVSP_NDIS_CONFIG:
		return sizeof(struct nvsp_ndis_config);
	case NVSP_RECV_BUF:
	case NVSP_SEND_BUF:
		return sizeof(struct nvsp_buf);
	case NVSP_REVOKE_RECV_BUF:
	case NVSP_REVOKE_SEND_BUF:
		return sizeof(struct nvsp_revoke);
	case NVSP_RNDIS_PKT:
		return sizeof(struct nvsp_rndis_pkt);
	case NVSP_SWITCH_DATA_PATH:
		return 8;
	case NVSP_SUBCHANNEL:
		return 12;
	case NVSP_OID_QUERY_EX:
		return 4;
	}
	return 0;
}

static uint32_t
min_version(uint32_t type)
{
	switch (type) {
	case NVSP_NDIS_CONFIG:
		return NVSP_V2;
	case NVSP_SWITCH_DATA_PATH:
		return NVSP_V4;
	case NVSP_SUBCHANNEL:
	case NVSP_OID_QUERY_EX:
		return NVSP_V5;
	}
	return NVSP_V1;
}

int
vs_nvsp_check(const void *msg, uint32_t len, uint32_t version)
{
	uint32_t type, need;

	if (len < 4)
		return -EMSGSIZE;
	memcpy(&type, msg, 4);
	need = body_len(type);
	if (need == 0)
		return -ENOENT;
	if (len < need)
		return -EMSGSIZE;
	if ((version == 0) != (type == NVSP_INIT) || (version != 0 && version < min_version(type)))
		return -EPERM;
	return 0;
}

/* The completion a failed request of this type gets. */
static uint32_t
fail_reply(uint32_t version, uint32_t type, uint8_t *reply)
{
	uint32_t st = NVSP_STAT_FAILURE, t;

	switch (type) {
	case NVSP_INIT: {
		struct nvsp_init_complete c = {NVSP_INIT_COMPLETE, 0, 0, st};

		memcpy(reply, &c, sizeof(c));
		return vs_nvsp_wire_len(version, NVSP_INIT_COMPLETE);
	}
	case NVSP_RECV_BUF:
		t = NVSP_RECV_BUF_COMPLETE;
		break;
	case NVSP_SEND_BUF:
		t = NVSP_SEND_BUF_COMPLETE;
		break;
	case NVSP_RNDIS_PKT:
		t = NVSP_RNDIS_PKT_COMPLETE;
		break;
	case NVSP_OID_QUERY_EX:
		t = NVSP_OID_QUERY_EX + 1;
		break;
	default:
		t = type; /* no completion format of its own: type and status */
	}
	memcpy(reply, &t, 4);
	memcpy(reply + 4, &st, 4);
	return vs_nvsp_wire_len(version, t);
}

/* Finds and checks a GPADL registered in the header page (ARCHITECTURE §6);
 * the entry is copied once from shared memory. */
static bool
gpadl_find(struct vs_netvsp *ch, uint32_t handle, uint64_t *off, uint64_t *len)
{
	for (uint32_t i = 0; i < VS_CHAN_GPADLS; i++) {
		struct vs_chan_gpadl g;

		memcpy(&g, (const void *)&ch->hdr->gpadl[i], sizeof(g));
		if (!(g.flags & VS_GPADL_VALID) || g.handle != handle)
			continue;
		if ((g.offset | g.length) % VS_PAGE != 0 || g.length == 0 ||
		    g.offset > ch->arena_size || g.length > ch->arena_size - g.offset)
			return false;
		*off = g.offset;
		*len = g.length;
		return true;
	}
	return false;
}

static uint32_t
recv_buf(struct vs_netvsp *ch, const struct nvsp_buf *m, uint8_t *reply)
{
	struct vs_ctl *c = &ch->c;
	struct nvsp_recv_buf_complete r = {.type = NVSP_RECV_BUF_COMPLETE};
	uint64_t off, len;
	uint32_t sub, num;

	if (!gpadl_find(ch, m->gpadl, &off, &len)) {
		CNT_INC(ch, gpadl_bad);
		return fail_reply(c->nvsp_version, NVSP_RECV_BUF, reply);
	}
	/* Section size as OpenVMM: 256 bytes of headers, the L2 MTU, and 36
	 * bytes left unused (ref §2.2). */
	sub = 256 + ch->l2_mtu + 36;
	num = (uint32_t)RTE_MIN(len / sub, (uint64_t)VS_MAX_SUBS);
	if (len > VS_MAX_BUF || num < VS_CTL_SUBS + 2) {
		CNT_INC(ch, buf_bad);
		return fail_reply(c->nvsp_version, NVSP_RECV_BUF, reply);
	}
	c->rxbuf = true;
	c->rxbuf_id = m->id;
	c->rx_off = off;
	c->rx_len = len;
	c->sub_size = sub;
	c->num_sub = num;
	c->rxbuf_gen++;
	r.status = NVSP_STAT_SUCCESS;
	r.num_sections = 1;
	r.offset = 0;
	r.sub_size = sub;
	r.num_sub = num;
	r.end_offset = sub * num;
	memcpy(reply, &r, sizeof(r));
	return vs_nvsp_wire_len(c->nvsp_version, NVSP_RECV_BUF_COMPLETE);
}

static uint32_t
send_buf(struct vs_netvsp *ch, const struct nvsp_buf *m, uint8_t *reply)
{
	struct vs_ctl *c = &ch->c;
	struct nvsp_send_buf_complete r = {NVSP_SEND_BUF_COMPLETE, NVSP_STAT_SUCCESS,
					   VS_SEND_SECTION};
	uint64_t off, len;

	if (!gpadl_find(ch, m->gpadl, &off, &len)) {
		CNT_INC(ch, gpadl_bad);
		return fail_reply(c->nvsp_version, NVSP_SEND_BUF, reply);
	}
	if (len > VS_MAX_BUF || len < VS_SEND_SECTION) {
		CNT_INC(ch, buf_bad);
		return fail_reply(c->nvsp_version, NVSP_SEND_BUF, reply);
	}
	c->txbuf = true;
	c->txbuf_id = m->id;
	c->tx_off = off;
	c->tx_len = len;
	c->num_sec = (uint32_t)(len / VS_SEND_SECTION);
	memcpy(reply, &r, sizeof(r));
	return vs_nvsp_wire_len(c->nvsp_version, NVSP_SEND_BUF_COMPLETE);
}

static uint32_t
init(struct vs_netvsp *ch, const struct nvsp_init *m, uint8_t *reply)
{
	struct nvsp_init_complete r = {NVSP_INIT_COMPLETE, 0, 34, NVSP_STAT_FAILURE};
	uint32_t lo = m->min_ver, hi = m->max_ver;

	/* Linux and DPDK send min = max = one candidate and walk down on
	 * failure (ref §3.1); a range gets the highest version in it. */
	if (hi < lo)
		hi = lo;
	for (size_t i = 0; i < RTE_DIM(versions); i++) {
		if (versions[i] >= lo && versions[i] <= hi) {
			r.negotiated = versions[i];
			r.status = NVSP_STAT_SUCCESS;
			break;
		}
	}
	if (r.status == NVSP_STAT_SUCCESS) {
		ch->c.nvsp_version = r.negotiated;
		ch->c.oid.nvsp_version = r.negotiated;
	} else {
		CNT_INC(ch, nvsp_bad_version);
	}
	memcpy(reply, &r, sizeof(r));
	return vs_nvsp_wire_len(ch->c.nvsp_version, NVSP_INIT_COMPLETE);
}

uint32_t
vs_nvsp_handle(struct vs_netvsp *ch, const uint8_t *msg, uint32_t len, bool rc, uint8_t *reply)
{
	struct vs_ctl *c = &ch->c;
	uint32_t type, v = c->nvsp_version, out = 0;
	int rv = vs_nvsp_check(msg, len, v);
	bool dup = false;

	memset(reply, 0, NVSP_MSG_V61);
	type = 0;
	if (len >= 4)
		memcpy(&type, msg, 4);
	if (rv == -EMSGSIZE)
		CNT_INC(ch, nvsp_short);
	else if (rv == -ENOENT)
		CNT_INC(ch, nvsp_unknown);
	else if (rv == -EPERM)
		CNT_INC(ch, nvsp_bad_state);
	if (rv != 0)
		return rc ? fail_reply(v, type, reply) : 0;
	CNT_INC(ch, nvsp_ctl);

	switch (type) {
	case NVSP_INIT: {
		struct nvsp_init m;

		memcpy(&m, msg, sizeof(m));
		out = init(ch, &m, reply); /* both guests ask (ref §5.1) */
		return rc ? out : 0;
	}
	case NVSP_NDIS_VERSION: {
		struct nvsp_ndis_version m;

		memcpy(&m, msg, sizeof(m));
		dup = c->ndis_version;
		if (!dup) {
			c->ndis_version = true;
			c->ndis_major = m.major;
			c->ndis_minor = m.minor;
		}
		break;
	}
	case NVSP_NDIS_CONFIG: {
		struct nvsp_ndis_config m;

		memcpy(&m, msg, sizeof(m));
		dup = c->ndis_config;
		if (!dup) {
			c->ndis_config = true;
			c->guest_mtu = (m.mtu >= 1514 && m.mtu <= 9216) ? m.mtu : 1514;
			c->oid.guest_mtu = c->guest_mtu;
			c->caps = m.caps;
			/* RSC over VMBus needs 6.1 and the guest's word that it
			 * reassembles fragments (ref §3.1, §3.5). */
			c->oid.rsc_cap = c->nvsp_version >= NVSP_V61 && (m.caps & NVSP_CAP_RSC);
		}
		break;
	}
	case NVSP_RECV_BUF:
	case NVSP_SEND_BUF: {
		struct nvsp_buf m;

		memcpy(&m, msg, sizeof(m));
		if (type == NVSP_RECV_BUF ? c->rxbuf : c->txbuf) {
			CNT_INC(ch, nvsp_bad_state);
			return fail_reply(v, type, reply);
		}
		/* Published by the caller once the completion is queued, so the
		 * guest learns of the buffer before its first indication. */
		out = type == NVSP_RECV_BUF ? recv_buf(ch, &m, reply) : send_buf(ch, &m, reply);
		return rc ? out : 0;
	}
	case NVSP_REVOKE_RECV_BUF:
	case NVSP_REVOKE_SEND_BUF: {
		struct nvsp_revoke m;
		bool rx = type == NVSP_REVOKE_RECV_BUF;

		memcpy(&m, msg, sizeof(m));
		if (!(rx ? c->rxbuf : c->txbuf) || m.id != (rx ? c->rxbuf_id : c->txbuf_id)) {
			CNT_INC(ch, revoke_bad_id);
			return rc ? fail_reply(v, type, reply) : 0;
		}
		/* After the revoke the buffer is never touched again (ref §5.5). */
		if (rx) {
			c->rxbuf = false;
			c->rxbuf_gen++;
		} else {
			c->txbuf = false;
		}
		vs_chan_publish(ch);
		break;
	}
	case NVSP_SWITCH_DATA_PATH: {
		uint32_t dp;

		memcpy(&dp, msg + 4, 4);
		if (dp > 1) {
			CNT_INC(ch, nvsp_bad_state);
			return rc ? fail_reply(v, type, reply) : 0;
		}
		c->datapath = dp;
		break;
	}
	case NVSP_SUBCHANNEL: {
		struct nvsp_subchannel m, r = {NVSP_SUBCHANNEL, NVSP_STAT_SUCCESS, 0};

		memcpy(&m, msg, sizeof(m));
		if (m.op_or_status != 1) {
			CNT_INC(ch, nvsp_bad_state);
			return rc ? fail_reply(v, type, reply) : 0;
		}
		/* Once per session, before the guest's interface is up (Linux
		 * and DPDK both ask then): the receive sections are cut per
		 * queue, and none may be outstanding when the cut changes. */
		if (c->sub_asked || c->filter_ever) {
			CNT_INC(ch, subch_refused);
			return rc ? fail_reply(v, type, reply) : 0;
		}
		/* At most what was asked, as Linux demands (ref §3.5), and the
		 * ring pairs the file has. */
		r.count = RTE_MIN(m.count, (uint32_t)ch->max_q - 1u);
		c->sub_asked = true;
		c->n_sub = (uint16_t)r.count;
		c->oid.n_queues = (uint16_t)(1 + r.count);
		CNT_ADD(ch, subch_allocated, r.count);
		/* Offered in the header once the completion is queued: the
		 * guest opens them after it (ref §5.1). */
		__atomic_store_n(&ch->hdr->sub_offered, r.count, __ATOMIC_RELEASE);
		memcpy(reply, &r, sizeof(r));
		return rc ? vs_nvsp_wire_len(v, NVSP_SUBCHANNEL) : 0;
	}
	case NVSP_OID_QUERY_EX:
		/* Not implemented, as in OpenVMM (ref §3.2). */
		CNT_INC(ch, oid_unsupported);
		return rc ? fail_reply(v, type, reply) : 0;
	case NVSP_RNDIS_PKT:
		/* Data messages never reach the control thread. */
		CNT_INC(ch, nvsp_bad_state);
		return rc ? fail_reply(v, type, reply) : 0;
	}
	if (dup) {
		CNT_INC(ch, nvsp_bad_state);
		return rc ? fail_reply(v, type, reply) : 0;
	}
	if (rc) {
		/* Types without a completion format of their own (100, 103,
		 * 106, 125, 129): type and status. */
		uint32_t st = NVSP_STAT_SUCCESS;

		memcpy(reply, &type, 4);
		memcpy(reply + 4, &st, 4);
		out = vs_nvsp_wire_len(v, type);
	}
	return out;
}
