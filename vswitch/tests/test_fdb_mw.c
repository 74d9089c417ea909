/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC table learning from two workers at once (its own binary, three
 * EAL lcores on whatever CPUs there are, so that the ThreadSanitizer pass
 * can run it alone).  Both workers learn the same 10k stations from
 * different ports, as they do when two uplink queues or two VMs see the
 * same hosts, while the control thread installs static entries and
 * deletes; once traffic stops the table must hold each station exactly
 * once, on a port that really announced it, with the entry count equal to
 * what a walk finds.  Then every station moves and all of them must follow.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include "fdb_priv.h"
#include "testmain.h"

#define N_MAC 10000u
#define N_STATIC 100u

struct learner {
	struct vs_fdb *fdb;
	struct rte_rcu_qsbr *qsbr;
	unsigned int id;     /* qsbr thread id */
	uint16_t port;
	unsigned int rounds;
	bool descending;     /* the other worker's order: meets it in the middle */
	volatile bool *stop; /* while set to false: run rounds until stopped */
	uint64_t res[5];     /* per enum vs_fdb_learn_result */
	struct vs_fdb_cache *cache;
	/* The hand-over to and from the learner, in atomics ThreadSanitizer
	 * sees (EAL's launch and wait are not instrumented). */
	bool go, done;
};

static void
key_of(unsigned int n, struct vs_fdb_key *k)
{
	struct rte_ether_addr a = {{0x02, 0x00, 0x5e, (uint8_t)(n >> 16), (uint8_t)(n >> 8),
				    (uint8_t)n}};

	vs_fdb_key_set(k, 0, 1, &a);
}

static int
learner_main(void *arg)
{
	struct learner *l = arg;
	struct vs_fdb_key keys[VS_BURST];
	int32_t pos[VS_BURST];
	unsigned int r, i, j;

	while (!__atomic_load_n(&l->go, __ATOMIC_ACQUIRE))
		rte_pause();
	rte_rcu_qsbr_thread_register(l->qsbr, l->id);
	rte_rcu_qsbr_thread_online(l->qsbr, l->id);
	for (r = 0; l->stop != NULL ? !__atomic_load_n(l->stop, __ATOMIC_ACQUIRE) : r < l->rounds;
	     r++) {
		for (i = 0; i < N_MAC; i += VS_BURST) {
			unsigned int n = RTE_MIN(VS_BURST, N_MAC - i);

			for (j = 0; j < n; j++)
				key_of(l->descending ? N_MAC - 1 - (i + j) : i + j, &keys[j]);
			vs_fdb_lookup_cached(l->fdb, l->cache, keys, n, NULL, 0, pos);
			for (j = 0; j < n; j++)
				l->res[vs_fdb_learn(l->fdb, &keys[j], pos[j], l->port, 1, 100)]++;
			rte_rcu_qsbr_quiescent(l->qsbr, l->id);
		}
	}
	rte_rcu_qsbr_thread_offline(l->qsbr, l->id);
	rte_rcu_qsbr_thread_unregister(l->qsbr, l->id);
	__atomic_store_n(&l->done, true, __ATOMIC_RELEASE);
	return 0;
}

static struct vs_fdb fdb;
static struct rte_rcu_qsbr *qsbr;
static struct learner lw[2];

static void
launch(uint16_t port_a, uint16_t port_b, unsigned int rounds, volatile bool *stop)
{
	unsigned int lcore, k = 0;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct vs_fdb_cache *c = lw[k].cache;

		if (k == 2)
			break;
		memset(&lw[k], 0, sizeof(lw[k]));
		lw[k] = (struct learner){.fdb = &fdb, .qsbr = qsbr, .id = k, .rounds = rounds,
					 .port = k == 0 ? port_a : port_b, .descending = k == 1,
					 .stop = stop, .cache = c};
		CU_ASSERT_FATAL(rte_eal_remote_launch(learner_main, &lw[k], lcore) == 0);
		__atomic_store_n(&lw[k].go, true, __ATOMIC_RELEASE);
		k++;
	}
	CU_ASSERT_FATAL(k == 2);
}

static void
join(void)
{
	unsigned int k;

	for (k = 0; k < 2; k++)
		while (!__atomic_load_n(&lw[k].done, __ATOMIC_ACQUIRE))
			rte_pause();
	rte_eal_mp_wait_lcore();
}

struct census {
	unsigned int n, bad, on[16], statics;
};

static void
census_fn(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	struct census *c = arg;
	unsigned int port = vs_fdb_value_port(v);

	(void)k;
	c->n++;
	if (vs_fdb_value_gen(v) != 1 || port >= 16)
		c->bad++;
	else
		c->on[port]++;
	c->statics += vs_fdb_value_seen(v) == VS_FDB_STATIC;
}

static struct census
census(void)
{
	struct census c;

	memset(&c, 0, sizeof(c));
	vs_fdb_walk(&fdb, census_fn, &c);
	return c;
}

static int
port_of(unsigned int n)
{
	struct vs_fdb_key k;
	int32_t pos;

	key_of(n, &k);
	pos = vs_fdb_lookup_one(&fdb, &k);
	return pos < 0 ? -1 : vs_fdb_value_port(__atomic_load_n(&fdb.values[pos], __ATOMIC_ACQUIRE));
}

static int
match_port(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	(void)k;
	return vs_fdb_value_port(v) == *(uint16_t *)arg && vs_fdb_value_seen(v) != VS_FDB_STATIC;
}

static void
test_same_macs_two_workers(void)
{
	struct census c;
	unsigned int i, moved;

	/* Phase 1: both learn every station, from ports 1 and 2. */
	launch(1, 2, 4, NULL);
	join();
	c = census();
	CU_ASSERT_EQUAL(c.n, N_MAC);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(c.on[1] + c.on[2], N_MAC);
	CU_ASSERT_EQUAL(vs_fdb_count(&fdb), N_MAC);
	/* Each new station counted once, whoever added it. */
	CU_ASSERT_EQUAL(lw[0].res[VS_FDB_LEARNED] + lw[1].res[VS_FDB_LEARNED], N_MAC);
	CU_ASSERT_EQUAL(lw[0].res[VS_FDB_FULL] + lw[1].res[VS_FDB_FULL], 0);

	/* Phase 2: every station moves to port 3 (both workers see it
	 * there) while the control thread pins the first N_STATIC to port 9. */
	launch(3, 3, 4, NULL);
	for (i = 0; i < N_STATIC; i++) {
		struct vs_fdb_key k;

		key_of(i, &k);
		CU_ASSERT_EQUAL(vs_fdb_add_static(&fdb, &k, 9, 1), 0);
	}
	join();
	c = census();
	CU_ASSERT_EQUAL(c.n, N_MAC);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(c.on[9], N_STATIC);
	CU_ASSERT_EQUAL(c.statics, N_STATIC);
	CU_ASSERT_EQUAL(c.on[3], N_MAC - N_STATIC);
	CU_ASSERT_EQUAL(vs_fdb_count(&fdb), N_MAC);
	for (i = 0, moved = 0; i < N_MAC; i++)
		moved += port_of(i) == (i < N_STATIC ? 9 : 3);
	CU_ASSERT_EQUAL(moved, N_MAC); /* nothing left behind to flood */
}

/* Deletions under traffic: the control thread flushes port 4's stations
 * while both workers keep learning them there.  Whatever the interleaving,
 * the count matches the table once traffic stops, and a last pass puts
 * every station back. */
static void
test_delete_under_learning(void)
{
	volatile bool stop = false;
	uint16_t port = 4;
	struct census c;
	unsigned int i, flushes = 0;

	launch(4, 4, 0, &stop);
	for (i = 0; i < 20; i++) {
		flushes += vs_fdb_delete_if(&fdb, match_port, &port) > 0;
		rte_delay_us_sleep(2000);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	join();
	CU_ASSERT(flushes > 0);
	c = census();
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(vs_fdb_count(&fdb), c.n);
	launch(4, 4, 1, NULL);
	join();
	c = census();
	CU_ASSERT_EQUAL(c.n, N_MAC);
	CU_ASSERT_EQUAL(c.on[9], N_STATIC);
	CU_ASSERT_EQUAL(c.on[4], N_MAC - N_STATIC);
	CU_ASSERT_EQUAL(vs_fdb_count(&fdb), N_MAC);
}

static int
suite_init(void)
{
	char err[256];
	size_t sz = rte_rcu_qsbr_get_memsize(2);
	unsigned int k;

	qsbr = rte_zmalloc("t_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, 2) != 0)
		return -1;
	for (k = 0; k < 2; k++) {
		lw[k].cache = rte_zmalloc("t_cache", sizeof(struct vs_fdb_cache),
					  RTE_CACHE_LINE_SIZE);
		if (lw[k].cache == NULL)
			return -1;
	}
	return vs_fdb_init(&fdb, "t_fdb_mw", 4 * N_MAC, 300, qsbr, err, sizeof(err));
}

static int
suite_fini(void)
{
	vs_fdb_fini(&fdb);
	rte_free(lw[0].cache);
	rte_free(lw[1].cache);
	rte_free(qsbr);
	return 0;
}

static CU_ErrorCode
fdb_mw_init(void)
{
	CU_pSuite s = CU_add_suite("fdb, two workers", suite_init, suite_fini);

	if (s == NULL ||
	    !CU_add_test(s, "same 10k MACs from two ports: one entry each, moves converge",
			 test_same_macs_two_workers) ||
	    !CU_add_test(s, "deletes under learning keep the count exact",
			 test_delete_under_learning))
		return CU_get_error();
	return CUE_SUCCESS;
}

int
main(void)
{
	static const struct vs_test_module m = {
		.name = "test_fdb_mw", .lcores = "(0-2)@(0-1)", .mem_mb = "256", .init = fdb_mw_init};

	return vs_test_main(&m);
}
