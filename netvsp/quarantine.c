/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Protocol violations, described, and the quarantine switch (netvsp.h).
 * The policy — how many violations, what to log, when to let go — is the
 * caller's (vswitch/quarantine.c); this file only counts, explains and
 * stops reading.  Control thread only, except the seqlock read of the
 * ring reader's violation record.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "netvsp_priv.h"

/* The counters that only a broken or hostile guest moves (netvsp.h).
 * ppi_bad is left out: it is counted with rndis_bad_packet. */
static const enum vs_netvsp_counter violation_counters[] = {
	VS_NETVSP_C_ring_corrupt,  VS_NETVSP_C_ring_bad_type,	VS_NETVSP_C_ring_too_big,
	VS_NETVSP_C_gpa_bad,	   VS_NETVSP_C_section_bad,	VS_NETVSP_C_rndis_bad_packet,
	VS_NETVSP_C_comp_bad,	   VS_NETVSP_C_nvsp_short,	VS_NETVSP_C_nvsp_unknown,
	VS_NETVSP_C_nvsp_bad_state, VS_NETVSP_C_gpadl_bad,	VS_NETVSP_C_buf_bad,
	VS_NETVSP_C_revoke_bad_id, VS_NETVSP_C_rndis_bad_msg,	VS_NETVSP_C_rndis_bad_type,
	VS_NETVSP_C_rndis_bad_state,
};
#define N_VIOL (sizeof(violation_counters) / sizeof(violation_counters[0]))

static const char *const ring_bad_text[] = {
	[VS_RING_BAD_WIDX_RANGE] = "ring write index %" PRIu64 " past ring size %" PRIu64,
	[VS_RING_BAD_WIDX_ALIGN] = "ring write index %" PRIu64 " not a multiple of 8",
	[VS_RING_BAD_SHORT] = "ring holds %" PRIu64 " bytes, less than a packet's %" PRIu64,
	[VS_RING_BAD_OFFSET] = "ring descriptor data offset %" PRIu64 " outside its length %" PRIu64
			       " (units of 8 bytes)",
	[VS_RING_BAD_LEN] = "ring descriptor length %" PRIu64 " past the %" PRIu64
			    " bytes written",
};

/* The ring reader's record, read whole; false if it kept changing. */
static bool
viol_read(const struct vs_netvsp *ch, struct vs_viol *out)
{
	for (int tries = 0; tries < 16; tries++) {
		uint32_t s1 = __atomic_load_n(&ch->viol.seq, __ATOMIC_ACQUIRE);

		if (s1 & 1)
			continue;
		out->kind = __atomic_load_n(&ch->viol.kind, __ATOMIC_RELAXED);
		for (int i = 0; i < 3; i++)
			out->v[i] = __atomic_load_n(&ch->viol.v[i], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&ch->viol.seq, __ATOMIC_RELAXED) == s1) {
			out->seq = s1;
			return true;
		}
	}
	return false;
}

static void
viol_describe(const struct vs_viol *v, char *buf, size_t len)
{
	switch (v->kind) {
	case VIOL_RING:
		if (v->v[0] < sizeof(ring_bad_text) / sizeof(ring_bad_text[0]) &&
		    ring_bad_text[v->v[0]] != NULL) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(buf, len, ring_bad_text[v->v[0]], v->v[1], v->v[2]);
#pragma GCC diagnostic pop
			return;
		}
		snprintf(buf, len, "ring corrupt");
		return;
	case VIOL_PKT_TYPE:
		snprintf(buf, len, "VMBus packet type %" PRIu64 " flags 0x%" PRIx64
			 " not one a guest sends",
			 v->v[0], v->v[1]);
		return;
	case VIOL_PKT_SIZE:
		snprintf(buf, len, "VMBus packet of %" PRIu64 " bytes, over %u", v->v[0],
			 VS_RING_MAX_PKT);
		return;
	case VIOL_SECTION:
		if (v->v[2] == 0)
			snprintf(buf, len, "send-buffer section index %" PRIu64 " without a send buffer",
				 v->v[0]);
		else if (v->v[0] >= v->v[2])
			snprintf(buf, len, "send-buffer section index %" PRIu64 " past the last, %" PRIu64,
				 v->v[0], v->v[2] - 1);
		else
			snprintf(buf, len, "send-buffer section %" PRIu64 " size %" PRIu64
				 " outside 8-%u",
				 v->v[0], v->v[1], VS_SEND_SECTION);
		return;
	case VIOL_GPA_PAGE:
		snprintf(buf, len, "GPA page 0x%" PRIx64 " outside the arena (pages 0x%" PRIx64
			 "-0x%" PRIx64 ")",
			 v->v[0], v->v[1], v->v[1] + v->v[2] - 1);
		return;
	case VIOL_GPA_RANGE:
		snprintf(buf, len, "GPA range of %" PRIu64 " bytes at page offset %" PRIu64
			 " malformed (%" PRIu64 " ranges)",
			 v->v[0], v->v[1], v->v[2]);
		return;
	case VIOL_RNDIS_HDR:
		snprintf(buf, len, "RNDIS message type %" PRIu64 " length %" PRIu64
			 " with %" PRIu64 " bytes left in the packet",
			 v->v[0], v->v[1], v->v[2]);
		return;
	case VIOL_RNDIS_PKT:
		snprintf(buf, len, "RNDIS packet of %" PRIu64 " bytes: data at 8+%" PRIu64
			 " len %" PRIu64 ", per-packet info at 8+%" PRIu64 " len %" PRIu64,
			 v->v[0], v->v[1] & UINT32_MAX, v->v[1] >> 32, v->v[2] & UINT32_MAX,
			 v->v[2] >> 32);
		return;
	case VIOL_COMP:
		snprintf(buf, len, "receive completion for id %" PRIu64 ", not outstanding (%" PRIu64
			 " sections)",
			 v->v[0], v->v[1]);
		return;
	default:
		buf[0] = '\0';
	}
}

void
vs_netvsp_violation_poll(struct vs_netvsp *ch, struct vs_netvsp_violations *out)
{
	enum vs_netvsp_counter grew = VS_NETVSP_N_COUNTERS;
	struct vs_viol v;

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < N_VIOL; i++) {
		enum vs_netvsp_counter c = violation_counters[i];
		uint64_t now = vs_netvsp_counter(ch, c);

		out->total += now;
		if (now != ch->q_seen[c]) {
			out->fresh += now - ch->q_seen[c];
			ch->q_seen[c] = now;
			grew = c;
		}
	}
	out->fatal = __atomic_load_n(&ch->dead, __ATOMIC_ACQUIRE) != 0;
	if (out->fresh == 0)
		return;
	/* The ring reader's own account if it has a new one; else the name
	 * of the counter (control messages carry no more detail). */
	if (viol_read(ch, &v) && v.seq != ch->q_viol_seq) {
		ch->q_viol_seq = v.seq;
		viol_describe(&v, out->last, sizeof(out->last));
		if (out->last[0] != '\0')
			return;
	}
	snprintf(out->last, sizeof(out->last), "%s", vs_netvsp_counter_name(grew));
}

void
vs_netvsp_quarantine(struct vs_netvsp *ch, const char *reason)
{
	snprintf(ch->q_reason, sizeof(ch->q_reason), "%s", reason);
	/* The worker may be inside a burst: it finishes it, and the next one
	 * returns at the check. */
	__atomic_store_n(&ch->quarantined, 1, __ATOMIC_RELEASE);
}

void
vs_netvsp_release(struct vs_netvsp *ch)
{
	__atomic_store_n(&ch->quarantined, 0, __ATOMIC_RELEASE);
	ch->q_reason[0] = '\0';
}

bool
vs_netvsp_quarantined(const struct vs_netvsp *ch, char *reason, size_t len)
{
	bool q = __atomic_load_n(&ch->quarantined, __ATOMIC_ACQUIRE) != 0;

	if (reason != NULL && len > 0)
		snprintf(reason, len, "%s", q ? ch->q_reason : "");
	return q;
}
