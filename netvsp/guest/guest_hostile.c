/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest simulator, misbehaving (guest.h, vs_netvsp_guest_misbehave): the
 * malicious-guest checklist (ref §6) turned around.  Every misdeed is
 * written into the real shared rings and arena, byte for byte what a broken
 * or hostile VSC would leave there, so the host's defences are tested
 * against memory it does not own rather than against a mock.
 *
 * Misdeeds that name memory (a section, a GPA page, RNDIS offsets) ask for
 * no completion: the host must refuse them without the guest's help, and
 * the simulator's own send accounting is left alone.  Their RNDIS bytes
 * sit in the arena's last page, which the bring-up layout never uses.
 */
#include <errno.h>
#include <string.h>

#include "guest_priv.h"

static const char *const misdeed_names[] = {
	[VS_GUEST_BAD_WRITE_INDEX] = "bad_write_index",
	[VS_GUEST_UNALIGNED_INDEX] = "unaligned_index",
	[VS_GUEST_DESC_TOO_LONG] = "desc_too_long",
	[VS_GUEST_BAD_SECTION] = "bad_section",
	[VS_GUEST_BAD_GPA] = "bad_gpa",
	[VS_GUEST_BAD_RNDIS_DATA] = "bad_rndis_data",
	[VS_GUEST_BAD_RNDIS_PPI] = "bad_rndis_ppi",
	[VS_GUEST_NO_RX_COMPLETIONS] = "no_rx_completions",
	[VS_GUEST_FLOOD] = "flood",
};

const char *
vs_netvsp_guest_misdeed_name(enum vs_netvsp_guest_misdeed m)
{
	return (unsigned)m < VS_GUEST_N_MISDEEDS ? misdeed_names[m] : "?";
}

/* Bytes into the guest→host data area at off, wrapping as the ring does. */
static void
ring_put(struct vs_ring *r, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *s = src;

	for (uint32_t i = 0; i < len; i++)
		r->data[(off + i) % r->dsize] = s[i];
}

/* A descriptor that claims more bytes than the whole ring (len8 is 16
 * bits: 524280 bytes, over any ring this transport makes), followed by a
 * trailer, and the write index published over just those 24 bytes. */
static void
desc_too_long(struct vs_netvsp_guest *g)
{
	struct vmbus_desc d = {VMBUS_PKT_INBAND, 2, UINT16_MAX, 0, 0};
	uint64_t trailer = (uint64_t)g->out.wr << 32;
	uint32_t at = g->out.wr;

	ring_put(&g->out, at, &d, sizeof(d));
	ring_put(&g->out, at + sizeof(d), &trailer, sizeof(trailer));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&g->out.ctl->write_index, (at + 24) % g->out.dsize, __ATOMIC_RELEASE);
}

/* Arena offset of the page the RNDIS misdeeds use; 0 if the layout left
 * none spare. */
static uint64_t
scratch_page(const struct vs_netvsp_guest *g)
{
	uint64_t at = g->arena_size - VS_PAGE;

	return at >= g->ctl_off + 2 * VS_PAGE ? at : 0;
}

/* One NVSP 107, GPA-direct, over len bytes at arena offset at (one page)
 * or, when pfn is not 0, over that page number instead. */
static int
send_gpa_page(struct vs_netvsp_guest *g, uint64_t at, uint32_t len, uint64_t pfn,
	      uint32_t channel_type)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, channel_type, NVSP_NO_SECTION, 0};
	struct vmbus_gpa_range r = {len, 0};
	uint8_t nv[NVSP_MSG_V61] = {0}, ext[24] = {0};
	uint32_t one = 1;

	if (pfn == 0)
		pfn = vs_guest_pfn(g, at);
	memcpy(ext + 4, &one, 4);
	memcpy(ext + 8, &r, 8);
	memcpy(ext + 16, &pfn, 8);
	memcpy(nv, &np, sizeof(np));
	return vs_guest_send_pkt(g, VMBUS_PKT_GPA_DIRECT, 0, 0, ext, sizeof(ext), nv, sizeof(nv));
}

enum { PKT_GOOD, PKT_BAD_DATA, PKT_BAD_PPI };

/* An RNDIS PACKET of a 60-byte broadcast; with PKT_BAD_DATA its data
 * offset, with PKT_BAD_PPI its per-packet info offset, points past the
 * message's end. */
static uint32_t
rndis_pkt(uint8_t *m, int how)
{
	struct rndis_packet h = {.h = {RNDIS_PACKET, sizeof(h) + 60}};

	h.data_off = sizeof(h) - 8;
	h.data_len = 60;
	if (how == PKT_BAD_PPI) {
		h.ppi_off = 4000;
		h.ppi_len = 16;
	} else if (how == PKT_BAD_DATA) {
		h.data_off = 4000;
	}
	memcpy(m, &h, sizeof(h));
	memset(m + sizeof(h), 0xff, 60);
	return sizeof(h) + 60;
}

static int
one(struct vs_netvsp_guest *g, enum vs_netvsp_guest_misdeed what)
{
	struct nvsp_rndis_pkt np = {NVSP_RNDIS_PKT, 0, 0, 60};
	uint8_t nv[NVSP_MSG_V61] = {0};
	uint64_t at = scratch_page(g);
	uint32_t len;

	switch (what) {
	case VS_GUEST_BAD_SECTION:
		/* Past the host's last section whatever its size: the guest's
		 * count of its own sections is the host's too (ref §3.5). */
		np.section_index = g->send_ok ? g->num_sections + 7 : 7;
		memcpy(nv, &np, sizeof(np));
		return vs_guest_send_pkt(g, VMBUS_PKT_INBAND, 0, 0, NULL, 0, nv, sizeof(nv));
	case VS_GUEST_BAD_GPA:
		if (at == 0)
			return -ENOSPC;
		len = rndis_pkt(g->arena + at, PKT_GOOD);
		return send_gpa_page(g, at, len,
				     vs_guest_pfn(g, 0) + g->arena_size / VS_PAGE + 16, 0);
	case VS_GUEST_BAD_RNDIS_DATA:
	case VS_GUEST_BAD_RNDIS_PPI:
		if (at == 0)
			return -ENOSPC;
		len = rndis_pkt(g->arena + at,
				what == VS_GUEST_BAD_RNDIS_PPI ? PKT_BAD_PPI : PKT_BAD_DATA);
		return send_gpa_page(g, at, len, 0, 0);
	case VS_GUEST_FLOOD: {
		/* KEEPALIVE is a request any guest may send at any time; each
		 * costs the host a control message and a reply. */
		uint32_t ka[3] = {RNDIS_KEEPALIVE, 12, 0x4b41};

		if (at == 0)
			return -ENOSPC;
		memcpy(g->arena + at, ka, sizeof(ka));
		return send_gpa_page(g, at, sizeof(ka), 0, 1);
	}
	default:
		return -EINVAL;
	}
}

int
vs_netvsp_guest_misbehave(struct vs_netvsp_guest *g, enum vs_netvsp_guest_misdeed what,
			  uint32_t n)
{
	uint32_t done = 0;
	int rc = 0;

	switch (what) {
	case VS_GUEST_BAD_WRITE_INDEX:
		__atomic_store_n(&g->out.ctl->write_index, g->out.dsize + VS_PAGE,
				 __ATOMIC_RELEASE);
		g->st.misdeeds++;
		return 1;
	case VS_GUEST_UNALIGNED_INDEX:
		__atomic_store_n(&g->out.ctl->write_index, (g->out.wr + 4) % g->out.dsize,
				 __ATOMIC_RELEASE);
		g->st.misdeeds++;
		return 1;
	case VS_GUEST_DESC_TOO_LONG:
		desc_too_long(g);
		g->st.misdeeds++;
		return 1;
	case VS_GUEST_NO_RX_COMPLETIONS:
		/* Held for good: the simulator completes nothing until it is
		 * told otherwise (vs_netvsp_guest_hold_completions). */
		vs_netvsp_guest_hold_completions(g, true);
		g->st.misdeeds++;
		return 1;
	case VS_GUEST_FLOOD:
		if (n == 0)
			n = UINT32_MAX; /* until the ring is full */
		break;
	default:
		if ((unsigned)what >= VS_GUEST_N_MISDEEDS)
			return -EINVAL;
	}
	while (done < n && (rc = one(g, what)) == 0)
		done++;
	g->st.misdeeds += done;
	if (done > 0 || (what == VS_GUEST_FLOOD && rc == -EAGAIN))
		return (int)done;
	return rc;
}
