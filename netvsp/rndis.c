/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RNDIS messages (ref §4): the stream walker, RNDIS_PACKET and its
 * per-packet info, and the control requests (initialize, halt, reset,
 * keepalive, query, set).  Pure functions over host-private copies: the
 * callers copy guest bytes out of shared memory first (single fetch).
 *
 * Guest-controlled fields and their bounds (ref §6.3):
 *   field                     bound
 *   stream remaining          ≥ 8 for a header
 *   msg_len                   ≥ 8, ≤ remaining (so a message can never be
 *                             of length 0 and loop)
 *   PACKET msg_len            ≥ 44
 *   PACKET data_off, data_len data_off ≥ 36, data_len > 0,
 *                             8 + data_off + data_len ≤ msg_len (64-bit)
 *   PACKET ppi_off, ppi_len   ppi_len 0, or ppi_off ≥ 36 and
 *                             8 + ppi_off + ppi_len ≤ msg_len and inside the
 *                             private header copy (≤ 512 bytes of PPIs)
 *   PACKET oob fields, vc     0
 *   PPI size                  ≥ 12, ≤ bytes left in the PPI area (so the
 *                             walk always advances and ends)
 *   PPI offset                ≥ 12, ≤ size; size − offset ≥ 4 for the
 *                             types whose u32 value we read (0, 2, 6, 8, 9)
 *   QUERY/SET info            info_off ≥ 20, 8 + off + len ≤ msg_len,
 *                             len ≤ VS_CTL_MSG_MAX
 *   request lengths           INITIALIZE ≥ 24, HALT/RESET/KEEPALIVE ≥ 12,
 *                             QUERY/SET ≥ 28
 *   INITIALIZE                major 1; once per RNDIS session
 * Checks that need the frame (checksum and LSO offsets, VLAN id) are in
 * rx_rndis.c.
 */
#include <errno.h>
#include <string.h>

#include "netvsp_priv.h"

int
vs_rndis_msg_hdr(const uint8_t *p, uint32_t avail, uint32_t *type, uint32_t *msg_len)
{
	struct rndis_hdr h;

	if (avail < sizeof(h))
		return -EBADMSG;
	memcpy(&h, p, sizeof(h));
	if (h.len < sizeof(h) || h.len > avail)
		return -EBADMSG;
	*type = h.type;
	*msg_len = h.len;
	return 0;
}

int
vs_rndis_ppi_walk(const uint8_t *ppi, uint32_t len, struct vs_pktinfo *pi)
{
	while (len > 0) {
		struct rndis_ppi e;
		uint32_t v;

		if (len < sizeof(e))
			return -EBADMSG;
		memcpy(&e, ppi, sizeof(e));
		if (e.size < sizeof(e) || e.size > len || e.off < sizeof(e) || e.off > e.size)
			return -EBADMSG;
		switch (e.type) {
		case PPI_CSUM:
		case PPI_LSO:
		case PPI_VLAN:
		case PPI_HASH_VALUE:
		case PPI_HASH_INFO:
			if (e.size - e.off < 4)
				return -EBADMSG;
			memcpy(&v, ppi + e.off, 4);
			if (e.type == PPI_CSUM) {
				pi->has_csum = true;
				pi->csum = v;
			} else if (e.type == PPI_LSO) {
				pi->has_lso = true;
				pi->lso = v;
			} else if (e.type == PPI_VLAN) {
				pi->has_vlan = true;
				pi->vlan = v;
			} else if (e.type == PPI_HASH_VALUE) {
				pi->has_hash = true;
				pi->hash = v;
			} else {
				pi->has_hash_info = true;
				pi->hash_info = v;
			}
			break;
		case PPI_RSC_ID:
			if (e.size - e.off < sizeof(pi->rsc))
				return -EBADMSG;
			memcpy(&pi->rsc, ppi + e.off, sizeof(pi->rsc));
			pi->has_rsc = true;
			break;
		default:
			break; /* other and internal types carry nothing we use */
		}
		ppi += e.size;
		len -= e.size;
	}
	return 0;
}

int
vs_rndis_packet_parse(const uint8_t *msg, uint32_t have, uint32_t msg_len, struct vs_pktinfo *pi,
		      enum vs_netvsp_counter *why)
{
	struct rndis_packet p;

	memset(pi, 0, sizeof(*pi));
	*why = VS_NETVSP_C_rndis_bad_packet;
	if (msg_len < sizeof(p) || have < sizeof(p) || have > msg_len)
		return -EBADMSG;
	memcpy(&p, msg, sizeof(p));
	if (p.oob_off != 0 || p.oob_len != 0 || p.oob_n != 0 || p.vc_handle != 0)
		return -EBADMSG;
	if (p.data_len == 0 || p.data_off < sizeof(p) - RNDIS_OFF_BASE ||
	    (uint64_t)RNDIS_OFF_BASE + p.data_off + p.data_len > msg_len)
		return -EBADMSG;
	if (p.ppi_len > 0) {
		if (p.ppi_off < sizeof(p) - RNDIS_OFF_BASE ||
		    (uint64_t)RNDIS_OFF_BASE + p.ppi_off + p.ppi_len > msg_len)
			return -EBADMSG;
		*why = VS_NETVSP_C_ppi_bad;
		if ((uint64_t)RNDIS_OFF_BASE + p.ppi_off + p.ppi_len > have)
			return -EBADMSG;
		if (vs_rndis_ppi_walk(msg + RNDIS_OFF_BASE + p.ppi_off, p.ppi_len, pi) != 0)
			return -EBADMSG;
	}
	pi->data_off = RNDIS_OFF_BASE + p.data_off;
	pi->data_len = p.data_len;
	return 0;
}

uint32_t
vs_rndis_indicate(uint32_t status, uint8_t *out)
{
	struct rndis_indicate m = {{RNDIS_INDICATE, sizeof(m)}, status, 0, 0};

	memcpy(out, &m, sizeof(m));
	return sizeof(m);
}

static void
put_cmplt(uint8_t *out, uint32_t type, uint32_t rid, uint32_t status)
{
	struct rndis_cmplt c = {{type | RNDIS_CMPLT, sizeof(c)}, rid, status};

	memcpy(out, &c, sizeof(c));
}

/* QUERY and SET: the info buffer must lie inside the message (offsets from
 * byte 8, ref §4.3). */
static enum vs_rndis_result
query_set(struct vs_oid_state *s, bool up, const uint8_t *msg, uint32_t len, uint8_t *out,
	  uint32_t cap, uint32_t *out_len)
{
	struct rndis_query q;
	struct rndis_query_cmplt qc;
	const uint8_t *info;
	uint32_t status, n = 0;
	bool bad = false;
	enum vs_rndis_result res = RR_OK;

	memcpy(&q, msg, sizeof(q));
	if (q.info_len > VS_CTL_MSG_MAX || (q.info_len > 0 && q.info_off < 20) ||
	    (uint64_t)RNDIS_OFF_BASE + q.info_off + q.info_len > len) {
		status = RNDIS_INVALID_DATA;
		res = RR_BAD_MSG;
	} else if (!up) {
		status = RNDIS_FAILURE;
		res = RR_BAD_STATE;
	} else {
		info = msg + RNDIS_OFF_BASE + q.info_off;
		if (q.h.type == RNDIS_QUERY)
			status = vs_oid_query(s, q.oid, info, q.info_len, out + sizeof(qc),
					      cap - sizeof(qc), &n);
		else
			status = vs_oid_set(s, q.oid, info, q.info_len, &bad);
		if (status == RNDIS_NOT_SUPPORTED)
			res = RR_OID_UNSUPPORTED;
		else if (bad)
			res = RR_OID_BAD_INPUT;
	}
	if (q.h.type == RNDIS_SET) {
		put_cmplt(out, RNDIS_SET, q.rid, status);
		*out_len = sizeof(struct rndis_cmplt);
		return res;
	}
	if (status != RNDIS_SUCCESS)
		n = 0;
	/* Unknown OIDs: length 0 and offset 16, as OpenVMM (ref §4.5). */
	qc = (struct rndis_query_cmplt){{RNDIS_QUERY | RNDIS_CMPLT, (uint32_t)sizeof(qc) + n},
					q.rid, status, n, 16};
	memcpy(out, &qc, sizeof(qc));
	*out_len = sizeof(qc) + n;
	return res;
}

enum vs_rndis_result
vs_rndis_control(struct vs_oid_state *s, bool *up, const uint8_t *msg, uint32_t len, uint8_t *out,
		 uint32_t cap, uint32_t *out_len)
{
	uint32_t type, mlen, rid;

	*out_len = 0;
	if (vs_rndis_msg_hdr(msg, len, &type, &mlen) != 0 || mlen < 12)
		return RR_BAD_MSG;
	memcpy(&rid, msg + 8, 4);
	switch (type) {
	case RNDIS_INIT: {
		struct rndis_init in;
		struct rndis_init_cmplt c = {.h = {RNDIS_INIT | RNDIS_CMPLT, sizeof(c)}};
		enum vs_rndis_result res = RR_OK;

		if (mlen < sizeof(in))
			return RR_BAD_MSG;
		memcpy(&in, msg, sizeof(in));
		c.rid = in.rid;
		c.major = 1;
		c.dev_flags = 1; /* connectionless */
		c.medium = 0;    /* 802.3 */
		c.max_pkts = VS_RX_MAX_PKTS;
		c.max_xfer = 0xEFFFFFFFu;
		c.align_log2 = 3; /* log2: 8 bytes (ref §4.3) */
		if (*up) {
			c.status = RNDIS_FAILURE;
			res = RR_BAD_STATE;
		} else if (in.major != 1) {
			c.status = RNDIS_BAD_VERSION;
			res = RR_BAD_MSG;
		} else {
			c.status = RNDIS_SUCCESS;
			*up = true;
		}
		memcpy(out, &c, sizeof(c));
		*out_len = sizeof(c);
		return res;
	}
	case RNDIS_HALT:
		/* No reply (ref §4.2).  DPDK halts after revoking its buffers:
		 * a HALT while down is dropped silently (ref §5.5). */
		*up = false;
		return RR_OK;
	case RNDIS_QUERY:
	case RNDIS_SET:
		if (mlen < sizeof(struct rndis_query))
			return RR_BAD_MSG;
		return query_set(s, *up, msg, mlen, out, cap, out_len);
	case RNDIS_RESET: {
		/* RESET_CMPLT: status, addressing_reset; no request id (ref §4.3). */
		uint32_t c[4] = {RNDIS_RESET | RNDIS_CMPLT, 16, RNDIS_SUCCESS, 0};

		memcpy(out, c, sizeof(c));
		*out_len = sizeof(c);
		return RR_OK;
	}
	case RNDIS_KEEPALIVE:
		put_cmplt(out, RNDIS_KEEPALIVE, rid, RNDIS_SUCCESS);
		*out_len = sizeof(struct rndis_cmplt);
		return RR_OK;
	}
	/* PACKET here, INDICATE_STATUS, SET_EX, completions, unknown: refused
	 * without a reply (ref §7, OpenVMM tests). */
	return RR_BAD_TYPE;
}
