/* SPDX-License-Identifier: BSD-3-Clause */
/* MAC table: learning, moves, the size bound, aging, isolation by key, and a
 * random sequence checked against a naive reference table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "fdb_priv.h"
#include "test_env.h"

static unsigned int fdb_seq;
/* When set, lookups go through this worker cache, as the pipeline's do. */
static struct vs_fdb_cache *cache;

static void
lookup(struct vs_fdb *f, const struct vs_fdb_key *k, int32_t *pos)
{
	if (cache != NULL)
		vs_fdb_lookup_cached(f, cache, k, 1, NULL, 0, pos);
	else
		vs_fdb_lookup_burst(f, k, 1, pos);
}

static void
mac_of(unsigned int n, struct rte_ether_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->addr_bytes[0] = 0x02;
	a->addr_bytes[3] = (uint8_t)(n >> 16);
	a->addr_bytes[4] = (uint8_t)(n >> 8);
	a->addr_bytes[5] = (uint8_t)n;
}

static int
make_fdb(struct vs_fdb *f, uint32_t cap, uint32_t aging)
{
	char name[32], err[256];

	snprintf(name, sizeof(name), "tfdb%u", ++fdb_seq);
	return vs_fdb_init(f, name, cap, aging, NULL, err, sizeof(err));
}

static enum vs_fdb_learn_result
learn(struct vs_fdb *f, uint16_t sw, uint16_t vlan, unsigned int mac, uint16_t port,
      uint32_t now)
{
	struct vs_fdb_key k;
	struct rte_ether_addr a;
	int32_t pos;

	mac_of(mac, &a);
	vs_fdb_key_set(&k, sw, vlan, &a);
	lookup(f, &k, &pos);
	return vs_fdb_learn(f, &k, pos, port, 1, now);
}

/* Port the entry points at, or -1. */
static int
port_of(struct vs_fdb *f, uint16_t sw, uint16_t vlan, unsigned int mac)
{
	struct vs_fdb_key k;
	struct rte_ether_addr a;
	int32_t pos;

	mac_of(mac, &a);
	vs_fdb_key_set(&k, sw, vlan, &a);
	lookup(f, &k, &pos);
	if (pos < 0)
		return -1;
	return vs_fdb_value_port(f->values[pos]);
}

static void
test_learn_refresh_move(void)
{
	struct vs_fdb f;

	CU_ASSERT_FATAL(make_fdb(&f, 1024, 300) == 0);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 7, 3, 10), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 7), 3);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 7, 3, 10), VS_FDB_REFRESHED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 7, 3, 11), VS_FDB_REFRESHED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 7, 5, 12), VS_FDB_MOVED);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 7), 5);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), 1);
	vs_fdb_fini(&f);
}

static void
test_key_isolation(void)
{
	struct vs_fdb f;

	CU_ASSERT_FATAL(make_fdb(&f, 1024, 300) == 0);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 9, 1, 0), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 1, 1, 9, 2, 0), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 0, 10, 9, 4, 0), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 9), 1);
	CU_ASSERT_EQUAL(port_of(&f, 1, 1, 9), 2);
	CU_ASSERT_EQUAL(port_of(&f, 0, 10, 9), 4);
	CU_ASSERT_EQUAL(port_of(&f, 2, 1, 9), -1);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), 3);
	vs_fdb_fini(&f);
}

static void
test_bound_exact(void)
{
	struct vs_fdb f;
	unsigned int i, full = 0, learned = 0;

	CU_ASSERT_FATAL(make_fdb(&f, 5, 300) == 0);
	for (i = 0; i < 40; i++) {
		enum vs_fdb_learn_result r = learn(&f, 0, 1, 100 + i, 1, 0);

		full += r == VS_FDB_FULL;
		learned += r == VS_FDB_LEARNED;
	}
	CU_ASSERT_EQUAL(learned, 5);
	CU_ASSERT_EQUAL(full, 35);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), 5);
	/* Known stations keep refreshing and moving while the table is full. */
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 100, 1, 1), VS_FDB_REFRESHED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 101, 2, 1), VS_FDB_MOVED);
	vs_fdb_fini(&f);
}

static void
test_aging(void)
{
	struct vs_fdb f;

	CU_ASSERT_FATAL(make_fdb(&f, 4, 10) == 0);
	learn(&f, 0, 1, 1, 1, 100);
	learn(&f, 0, 1, 2, 1, 105);
	CU_ASSERT_EQUAL(vs_fdb_age(&f, 110), 0); /* exactly the aging time: kept */
	CU_ASSERT_EQUAL(vs_fdb_age(&f, 111), 1);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 1), -1);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 2), 1);
	learn(&f, 0, 1, 2, 1, 112); /* refreshed: survives the next pass */
	CU_ASSERT_EQUAL(vs_fdb_age(&f, 116), 0);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), 1);
	CU_ASSERT_EQUAL(f.aged, 1);
	/* Aged-out room is usable again. */
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 3, 1, 116), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 4, 1, 116), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 5, 1, 116), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 6, 1, 116), VS_FDB_FULL);
	vs_fdb_fini(&f);
}

static void
test_static_entries(void)
{
	struct vs_fdb f;
	struct vs_fdb_key k;
	struct rte_ether_addr a;

	CU_ASSERT_FATAL(make_fdb(&f, 2, 10) == 0);
	mac_of(77, &a);
	vs_fdb_key_set(&k, 0, 1, &a);
	CU_ASSERT_EQUAL(vs_fdb_add_static(&f, &k, 4, 1), 0);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 77), 4);
	/* Seen on its own port: nothing changes.  Elsewhere: held, not moved. */
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 77, 4, 100), VS_FDB_REFRESHED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 77, 6, 100), VS_FDB_STATIC_HELD);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 77), 4);
	/* Never aged. */
	CU_ASSERT_EQUAL(vs_fdb_age(&f, 1000000), 0);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 77), 4);
	/* It takes a slot of the bound like any entry. */
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 78, 2, 100), VS_FDB_LEARNED);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 79, 2, 100), VS_FDB_FULL);
	mac_of(80, &a);
	vs_fdb_key_set(&k, 0, 1, &a);
	CU_ASSERT_EQUAL(vs_fdb_add_static(&f, &k, 5, 1), -ENOSPC);
	/* A learned entry can be made static in place. */
	mac_of(78, &a);
	vs_fdb_key_set(&k, 0, 1, &a);
	CU_ASSERT_EQUAL(vs_fdb_add_static(&f, &k, 5, 1), 0);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 78, 2, 101), VS_FDB_STATIC_HELD);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), 2);
	vs_fdb_fini(&f);
}

/* A naive table: linear arrays, no hashing. */
struct ref_entry {
	uint16_t sw;
	unsigned int mac;
	uint16_t port;
	uint32_t seen;
	int live;
};

static void
test_against_reference(void)
{
	enum { CAP = 64, MACS = 100, OPS = 20000 };
	static struct ref_entry ref[CAP];
	struct vs_fdb f;
	unsigned int op, i, n_live = 0, mismatches = 0;
	uint32_t now = 1000;

	memset(ref, 0, sizeof(ref));
	CU_ASSERT_FATAL(make_fdb(&f, CAP, 20) == 0);
	srand(42);
	for (op = 0; op < OPS; op++) {
		unsigned int mac = (unsigned int)rand() % MACS;
		uint16_t sw = (uint16_t)(rand() % 2);
		uint16_t port = (uint16_t)(rand() % 4 + 1);
		int slot = -1, freeslot = -1;
		enum vs_fdb_learn_result got, want;

		if (rand() % 50 == 0) {
			now += (uint32_t)(rand() % 15);
			for (i = 0; i < CAP; i++)
				if (ref[i].live && now - ref[i].seen > 20) {
					ref[i].live = 0;
					n_live--;
				}
			vs_fdb_age(&f, now);
		}
		for (i = 0; i < CAP; i++) {
			if (ref[i].live && ref[i].mac == mac && ref[i].sw == sw)
				slot = (int)i;
			if (!ref[i].live && freeslot < 0)
				freeslot = (int)i;
		}
		if (slot >= 0) {
			want = ref[slot].port != port ? VS_FDB_MOVED : VS_FDB_REFRESHED;
			ref[slot].port = port;
			ref[slot].seen = now;
		} else if (n_live == CAP) {
			want = VS_FDB_FULL;
		} else {
			want = VS_FDB_LEARNED;
			ref[freeslot] = (struct ref_entry){sw, mac, port, now, 1};
			n_live++;
		}
		got = learn(&f, sw, 1, mac, port, now);
		mismatches += got != want;
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	CU_ASSERT_EQUAL(vs_fdb_count(&f), n_live);
	for (i = 0; i < CAP; i++)
		if (ref[i].live)
			CU_ASSERT_EQUAL(port_of(&f, ref[i].sw, 1, ref[i].mac), ref[i].port);
	vs_fdb_fini(&f);
}

/* The same random sequence with every lookup through a worker cache: its
 * answers must never differ from the table's, across aging and reuse. */
static void
test_cache_against_reference(void)
{
	cache = calloc(1, sizeof(*cache));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cache);
	test_against_reference();
	CU_ASSERT(cache->hits > 0 && cache->misses > 0);
	free(cache);
	cache = NULL;
}

/* A deleted key's cached position is never followed, even once the slot
 * holds another key. */
static void
test_cache_after_delete(void)
{
	struct vs_fdb f;
	struct vs_fdb_key ka, kb;
	struct rte_ether_addr a;
	int32_t pos[2], pa;
	unsigned int i;

	cache = calloc(1, sizeof(*cache));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cache);
	CU_ASSERT_FATAL(make_fdb(&f, 64, 10) == 0);
	CU_ASSERT_EQUAL(learn(&f, 0, 1, 1, 3, 100), VS_FDB_LEARNED);
	mac_of(1, &a);
	vs_fdb_key_set(&ka, 0, 1, &a);
	vs_fdb_lookup_cached(&f, cache, &ka, 1, NULL, 0, &pa);
	CU_ASSERT(pa >= 0);
	vs_fdb_lookup_cached(&f, cache, &ka, 1, NULL, 0, pos);
	CU_ASSERT_EQUAL(pos[0], pa);
	CU_ASSERT(cache->hits >= 1);
	CU_ASSERT_EQUAL(vs_fdb_age(&f, 200), 1);
	/* Refill the table so that the freed slot is taken again. */
	for (i = 2; i < 60; i++)
		CU_ASSERT_EQUAL(learn(&f, 0, 1, i, 4, 200), VS_FDB_LEARNED);
	mac_of(2, &a);
	vs_fdb_key_set(&kb, 0, 1, &a);
	vs_fdb_lookup_cached(&f, cache, &ka, 1, &kb, 1, pos);
	CU_ASSERT(pos[0] < 0);
	CU_ASSERT(pos[1] >= 0);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 1), -1);
	CU_ASSERT_EQUAL(port_of(&f, 0, 1, 2), 4);
	vs_fdb_fini(&f);
	free(cache);
	cache = NULL;
}

/* Far more stations than cache entries: the cache stands aside, and
 * answers the same as the table before, during and after. */
static void
test_cache_bypass(void)
{
	enum { MACS = 40000 };
	struct vs_fdb f;
	struct vs_fdb_key k[VS_BURST];
	struct rte_ether_addr a;
	int32_t want[VS_BURST], got[VS_BURST];
	unsigned int i, j, pass, wrong = 0;

	cache = calloc(1, sizeof(*cache));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cache);
	CU_ASSERT_FATAL(make_fdb(&f, MACS, 100) == 0);
	for (i = 0; i < MACS; i++)
		learn(&f, 0, 1, i, (uint16_t)(i % 7 + 1), 10);
	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i + VS_BURST <= MACS; i += VS_BURST) {
			for (j = 0; j < VS_BURST; j++) {
				mac_of(i + j, &a);
				vs_fdb_key_set(&k[j], 0, 1, &a);
			}
			vs_fdb_lookup_burst(&f, k, VS_BURST, want);
			vs_fdb_lookup_cached(&f, cache, k, VS_BURST / 2, k + VS_BURST / 2,
					     VS_BURST / 2, got);
			wrong += memcmp(want, got, sizeof(want)) != 0;
		}
	}
	CU_ASSERT_EQUAL(wrong, 0);
	CU_ASSERT(cache->bypassed > 0);
	CU_ASSERT(cache->hits + cache->misses > 0); /* it was tried again */
	vs_fdb_fini(&f);
	free(cache);
	cache = NULL;
}

CU_ErrorCode
vs_test_register_fdb(void)
{
	CU_pSuite s = CU_add_suite("fdb", NULL, NULL);

	if (s == NULL || !CU_add_test(s, "learn, refresh, move", test_learn_refresh_move) ||
	    !CU_add_test(s, "key isolates switch and VLAN", test_key_isolation) ||
	    !CU_add_test(s, "size bound is exact", test_bound_exact) ||
	    !CU_add_test(s, "aging", test_aging) ||
	    !CU_add_test(s, "static entries: held, never aged", test_static_entries) ||
	    !CU_add_test(s, "random ops vs reference table", test_against_reference) ||
	    !CU_add_test(s, "the same through a worker cache", test_cache_against_reference) ||
	    !CU_add_test(s, "worker cache forgets deleted keys", test_cache_after_delete) ||
	    !CU_add_test(s, "worker cache stands aside when it cannot hit", test_cache_bypass))
		return CU_get_error();
	return CUE_SUCCESS;
}
