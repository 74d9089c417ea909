/* SPDX-License-Identifier: BSD-3-Clause */
/* The guards' parser on crafted frames: every protocol it must catch, the
 * look-alikes it must pass, tags and extension headers, fragments, and
 * frames cut short anywhere. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "test_env.h"

static struct rte_mempool *mp;

/* Ethernet + optional tag, then an IPv4 or IPv6 header and 8 L4 bytes. */
static uint32_t
build(uint8_t *f, int tagged, int v6, uint8_t proto, uint16_t sport_or_type, int frag,
      int hbh)
{
	uint32_t off = 12;

	memset(f, 0, 128);
	f[0] = 0x02, f[6] = 0x02;
	if (tagged) {
		f[off] = 0x81, f[off + 1] = 0x00, f[off + 3] = 5;
		off += 4;
	}
	f[off] = v6 ? 0x86 : 0x08;
	f[off + 1] = v6 ? 0xdd : 0x00;
	off += 2;
	if (!v6) {
		f[off] = 0x45;
		f[off + 9] = proto;
		if (frag)
			f[off + 7] = 0x10; /* fragment offset 16 */
		off += 20;
	} else {
		f[off] = 0x60;
		f[off + 6] = hbh ? 0 : proto;
		off += 40;
		if (hbh) {
			f[off] = proto; /* next header; length 0 = 8 bytes */
			off += 8;
		}
	}
	if (proto == 17) {
		f[off] = (uint8_t)(sport_or_type >> 8);
		f[off + 1] = (uint8_t)sport_or_type;
	} else {
		f[off] = (uint8_t)sport_or_type;
	}
	return off + 8;
}

static uint8_t
guard(const uint8_t *f, uint32_t len, int dhcp, int router)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)len), f, len);
	r = vs_security_guard(m, dhcp, router);
	rte_pktmbuf_free(m);
	return r;
}

static void
test_guards(void)
{
	uint8_t f[128];
	uint32_t len, cut;

	len = build(f, 0, 0, 17, 67, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_DHCP_GUARD);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_MAX); /* guard off */
	len = build(f, 0, 0, 17, 68, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 1), VS_DROP_MAX); /* a client */
	len = build(f, 1, 0, 17, 67, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_DHCP_GUARD); /* behind a data tag */
	len = build(f, 0, 0, 17, 67, 1, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_MAX); /* non-first fragment */
	len = build(f, 0, 1, 17, 547, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_DHCP_GUARD);
	len = build(f, 0, 1, 17, 546, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_MAX);
	/* Each IP version has its own server port. */
	len = build(f, 0, 1, 17, 67, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_MAX);
	len = build(f, 0, 0, 17, 547, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_MAX);
	len = build(f, 0, 1, 58, 134, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_ROUTER_GUARD);
	CU_ASSERT_EQUAL(guard(f, len, 1, 0), VS_DROP_MAX);
	len = build(f, 0, 1, 58, 134, 0, 1);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_ROUTER_GUARD); /* behind hop-by-hop */
	len = build(f, 0, 1, 58, 137, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_ROUTER_GUARD);
	len = build(f, 0, 1, 58, 135, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_MAX); /* neighbour solicitation */
	len = build(f, 0, 1, 58, 133, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_MAX); /* router solicitation */
	len = build(f, 0, 0, 1, 5, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_ROUTER_GUARD);
	len = build(f, 0, 0, 1, 8, 0, 0);
	CU_ASSERT_EQUAL(guard(f, len, 0, 1), VS_DROP_MAX); /* echo */
	/* Cut anywhere before the L4 header's first 4 bytes end: never a read
	 * past the end, never a drop for what cannot be seen. */
	len = build(f, 0, 1, 58, 134, 0, 1);
	for (cut = 0; cut < len - 4; cut++)
		CU_ASSERT_EQUAL(guard(f, cut, 1, 1), VS_DROP_MAX);
	CU_ASSERT_EQUAL(guard(f, len - 4, 1, 1), VS_DROP_ROUTER_GUARD);
	len = build(f, 0, 0, 17, 67, 0, 0);
	for (cut = 0; cut < len - 4; cut++)
		CU_ASSERT_EQUAL(guard(f, cut, 1, 1), VS_DROP_MAX);
}

static int
setup(void)
{
	mp = rte_pktmbuf_pool_create("sec_test", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	return mp == NULL ? -1 : 0;
}

static int
teardown(void)
{
	rte_mempool_free(mp);
	return 0;
}

CU_ErrorCode
vs_test_register_security(void)
{
	CU_pSuite s = CU_add_suite("security", setup, teardown);

	if (s == NULL || !CU_add_test(s, "DHCP and router guards", test_guards))
		return CU_get_error();
	return CUE_SUCCESS;
}
