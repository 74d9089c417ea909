/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Egress for frames that ask for offload work: the grouping of ports by
 * capability around offload/'s fix-up, and the device preparation of what
 * is left to a device.  Only frames with requests come here.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "tx_priv.h"

/* Frames with offload requests left to an ethdev get what its driver
 * needs first (pseudo-header seeds: rte_eth_tx_prepare).  A frame the
 * driver refuses is dropped and counted; the others keep their order. */
void
vs_txbuf_prepare(struct vs_worker *w, struct vs_port *p, uint16_t port, struct vs_txbuf *tb)
{
	uint16_t k = 0;

	while (k < tb->n) {
		k = (uint16_t)(k + rte_eth_tx_prepare(p->eth_port, (uint16_t)w->idx,
						      tb->pkts + k, (uint16_t)(tb->n - k)));
		if (k == tb->n)
			break;
		rte_pktmbuf_free(tb->pkts[k]);
		w->stats[port].drops[VS_DROP_OFFLOAD_REFUSED]++;
		memmove(&tb->pkts[k], &tb->pkts[k + 1], sizeof(tb->pkts[0]) * (tb->n - k - 1u));
		tb->n--;
	}
}

/*
 * A frame that asks for offload work (checksums, segmentation), to ports
 * that all want it in the same encapsulation; one reference per port.
 *
 * Ports are grouped by what they can do of this frame's requests (their
 * capabilities masked by vs_offload_relevant): the fix-up runs once per
 * group, and what it yields — the frame with its metadata set, a private
 * header, or the segments of a superframe — is shared by reference count
 * among the group's ports.  A superframe flooded to eight ports of which
 * three segment in hardware and five cannot is cut once, for the five.
 * While another group holds the frame the fix-up writes none of its bytes
 * (segments and private headers carry copies of the headers), only its
 * metadata when a group leaves everything to its ports; so the frame
 * itself is enqueued last, once no group can change it any more, while
 * what the fix-up made is new and goes out at once.
 */
void
vs_tx_offload(struct vs_worker *w, const struct vs_snapshot *snap, const uint16_t *ports,
	      uint16_t n, struct rte_mbuf *m)
{
	uint32_t rel = vs_offload_relevant(m), keys[VS_MAX_PORTS];
	uint16_t n_keys = 0, n_kept = 0, g, k, j;
	uint16_t kept[VS_MAX_PORTS];

	for (k = 0; k < n; k++) {
		uint32_t key = snap->ports[ports[k]].offload_caps & rel;

		for (g = 0; g < n_keys && keys[g] != key; g++)
			;
		if (g == n_keys)
			keys[n_keys++] = key;
	}
	rte_pktmbuf_refcnt_update(m, (int16_t)(n_keys - 1));
	for (g = 0; g < n_keys; g++) {
		uint64_t no_mbuf = w->offload.stats.c[VS_OFFLOAD_C_REFUSED_NO_MBUF];
		uint16_t members[VS_MAX_PORTS], n_members = 0, n_out, dropped;

		for (k = 0; k < n; k++)
			if ((snap->ports[ports[k]].offload_caps & rel) == keys[g])
				members[n_members++] = ports[k];
		n_out = vs_offload_tx_burst(&w->offload, keys[g], &m, 1, w->ol_out,
					    VS_OFFLOAD_MAX_SEGS, &dropped);
		if (dropped > 0) {
			uint8_t why = w->offload.stats.c[VS_OFFLOAD_C_REFUSED_NO_MBUF] != no_mbuf
					      ? VS_DROP_NO_MBUF
					      : VS_DROP_OFFLOAD_REFUSED;

			for (k = 0; k < n_members; k++)
				w->stats[members[k]].drops[why]++;
			continue;
		}
		for (j = 0; j < n_out; j++) {
			struct rte_mbuf *o = w->ol_out[j];
			bool prep = (o->ol_flags & VS_OFFLOAD_TX_REQUESTS) != 0;

			rte_pktmbuf_refcnt_update(o, (int16_t)(n_members - 1));
			for (k = 0; k < n_members; k++) {
				if (o == m) {
					kept[n_kept++] = members[k];
					continue;
				}
				w->tx[members[k]].prepare |= prep;
				vs_tx_enqueue(w, snap, members[k], o);
			}
		}
	}
	for (k = 0; k < n_kept; k++) {
		w->tx[kept[k]].prepare |= (m->ol_flags & VS_OFFLOAD_TX_REQUESTS) != 0;
		vs_tx_enqueue(w, snap, kept[k], m);
	}
}
