/* SPDX-License-Identifier: BSD-3-Clause */
/* The channel tests' host and helpers (test_chan.c), shared with
 * test_chan_threads.c. */
#ifndef VS_NETVSP_TEST_CHAN_PRIV_H
#define VS_NETVSP_TEST_CHAN_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <CUnit/Basic.h>

#include "guest.h"
#include "netvsp.h"

struct rte_mbuf;

static const uint8_t GMAC[6] = {0x00, 0x15, 0x5d, 0x10, 0x20, 0x30};
static const uint8_t OTHER[6] = {0x02, 0, 0, 0, 0, 0x99};

struct host {
	struct vs_netvsp *ch;
	bool ctl_only;
	struct rte_mbuf *rx[512];
	uint32_t nrx;
};

#define C(h, name) vs_netvsp_counter((h)->ch, VS_NETVSP_C_##name)

/* The host side's turn while the guest waits: control poll, rx burst. */
void host_poll(void *arg);
/* A channel and a guest on it; bringup: run the guest's bring-up. */
struct vs_netvsp_guest *setup(struct host *h, struct vs_netvsp_guest_opts *o, bool bringup);
void teardown(struct host *h, struct vs_netvsp_guest *g);
/* rounds of host poll + guest poll. */
void pump(struct host *h, struct vs_netvsp_guest *g, int rounds);
/* An Ethernet + IPv4 + TCP frame of len bytes. */
uint32_t tcp_frame(uint8_t *f, uint32_t len, const uint8_t *dst, uint8_t seed);
struct rte_mbuf *mk_mbuf(const uint8_t *dst, uint32_t len, uint8_t seed);
/* tx_burst, frees the mbufs, pumps; returns how many were taken. */
uint32_t deliver(struct host *h, struct vs_netvsp_guest *g, struct rte_mbuf **m, uint16_t n);
/* Frames the guest has received; last: the last of them. */
uint32_t drain(struct vs_netvsp_guest *g, struct vs_netvsp_guest_frame *last);
int test_chan_threads_register(CU_pSuite s);
int test_lost_register(CU_pSuite s);

#endif
