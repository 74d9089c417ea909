/* SPDX-License-Identifier: BSD-3-Clause */
/* The MAC table: see fdb_priv.h for the design. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "fdb_priv.h"

int
vs_fdb_init(struct vs_fdb *fdb, const char *name, uint32_t capacity, uint32_t aging_s,
	    struct rte_rcu_qsbr *qsbr, char *err, size_t errlen)
{
	struct rte_hash_parameters p = {
		.name = name,
		/* rte_hash refuses tables smaller than one bucket's worth. */
		.entries = capacity < 64 ? 64 : capacity,
		.key_len = sizeof(struct vs_fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	memset(fdb, 0, sizeof(*fdb));
	fdb->hash = rte_hash_create(&p);
	if (fdb->hash == NULL) {
		snprintf(err, errlen, "fdb: cannot create a %u-entry MAC table: %s", capacity,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	/* Deleted positions are freed by vs_fdb_delete_collected itself, after
	 * a grace period and after zeroing their values (no_free_on_del, which
	 * lock-free reads imply), not by rte_hash's own RCU queue: freed
	 * whenever rte_hash liked, a slot could be reused before its old value
	 * was cleared, and a new station would start from another's port. */
	fdb->qsbr = qsbr;
	fdb->n_values = (uint32_t)rte_hash_max_key_id(fdb->hash) + 1;
	fdb->values = rte_zmalloc("vs_fdb_values", sizeof(uint64_t) * fdb->n_values,
				  RTE_CACHE_LINE_SIZE);
	if (fdb->values == NULL) {
		snprintf(err, errlen, "fdb: cannot allocate %u MAC table values", fdb->n_values);
		rte_hash_free(fdb->hash);
		fdb->hash = NULL;
		return -ENOMEM;
	}
	fdb->capacity = capacity;
	fdb->aging_s = aging_s;
	fdb->epoch = 1;
	return 0;
}

void
vs_fdb_fini(struct vs_fdb *fdb)
{
	if (fdb->hash != NULL)
		rte_hash_free(fdb->hash);
	rte_free(fdb->values);
	memset(fdb, 0, sizeof(*fdb));
}

void
vs_fdb_lookup_burst(const struct vs_fdb *fdb, const struct vs_fdb_key *keys, unsigned int n,
		    int32_t *positions)
{
	const void *kp[VS_BURST];
	unsigned int i;

	for (i = 0; i < n; i++)
		kp[i] = &keys[i];
	if (rte_hash_lookup_bulk(fdb->hash, kp, n, positions) != 0) {
		/* Only fails on bad arguments; treat every key as unknown. */
		for (i = 0; i < n; i++)
			positions[i] = -ENOENT;
	}
}

void
vs_fdb_lookup_two(const struct vs_fdb *fdb, const struct vs_fdb_key *a, unsigned int na,
		  const struct vs_fdb_key *b, unsigned int nb, int32_t *positions)
{
	const void *kp[2 * VS_BURST];
	unsigned int i;

	for (i = 0; i < na; i++)
		kp[i] = &a[i];
	for (i = 0; i < nb; i++)
		kp[na + i] = &b[i];
	if (na + nb == 0)
		return;
	if (rte_hash_lookup_bulk(fdb->hash, kp, na + nb, positions) != 0) {
		for (i = 0; i < na + nb; i++)
			positions[i] = -ENOENT;
	}
}

static inline bool
vs_fdb_key_eq(const struct vs_fdb_key *x, const struct vs_fdb_key *y)
{
	const uint64_t *a = (const uint64_t *)x, *b = (const uint64_t *)y;

	return ((a[0] ^ b[0]) | (a[1] ^ b[1])) == 0;
}

/*
 * CRC is linear over GF(2): the CRCs of keys that differ in the same bits
 * differ by the same constant, so its low bits would put whole families of
 * MACs (02:00:00:xx:xx vs 02:00:01:xx:xx) on the same few sets.  An odd
 * multiplier mixes by carries instead (Fibonacci hashing); the set is
 * taken from the product's top bits.
 */
static inline struct vs_fdb_cache_entry *
vs_fdb_cache_set(struct vs_fdb_cache *c, hash_sig_t sig)
{
	uint32_t set = (uint32_t)(sig * 0x9E3779B1u) >> (32 - VS_FDB_CACHE_SET_BITS);

	return &c->e[set * VS_FDB_CACHE_WAYS];
}

static inline bool
vs_fdb_cache_hit(const struct vs_fdb_cache_entry *e, const struct vs_fdb_key *k, uint32_t epoch)
{
	return e->epoch == epoch && vs_fdb_key_eq(&e->key, k);
}

/* A found key enters its set in an empty or stale way, else in the way
 * the hash's low bit picks (random replacement, no LRU state to write on
 * every hit). */
static inline void
vs_fdb_cache_fill(struct vs_fdb_cache_entry *set, hash_sig_t sig, const struct vs_fdb_key *k,
		  int32_t pos, uint32_t epoch)
{
	struct vs_fdb_cache_entry *e = set[0].epoch != epoch	 ? &set[0]
				       : set[1].epoch != epoch ? &set[1]
							       : &set[sig & 1];

	/* A key twice in one burst missed twice: one way is enough. */
	if (vs_fdb_cache_hit(&set[0], k, epoch) || vs_fdb_cache_hit(&set[1], k, epoch))
		return;
	e->key = *k;
	e->pos = pos;
	e->epoch = epoch;
}

void
vs_fdb_lookup_cached(const struct vs_fdb *fdb, struct vs_fdb_cache *c,
		     const struct vs_fdb_key *a, unsigned int na, const struct vs_fdb_key *b,
		     unsigned int nb, int32_t *positions)
{
	const void *kp[2 * VS_BURST];
	hash_sig_t msig[2 * VS_BURST];
	uint16_t miss[2 * VS_BURST];
	int32_t mpos[2 * VS_BURST];
	uint32_t epoch = __atomic_load_n(&fdb->epoch, __ATOMIC_ACQUIRE);
	unsigned int i, n = na + nb, nm = 0;

	if (c->bypass > 0)
		c->bypass--;
	for (i = 0; i < n; i++) {
		const struct vs_fdb_key *k = i < na ? &a[i] : &b[i - na];
		/* The table's own hash (rte_hash_crc, seed 0), inline: it
		 * indexes the cache and feeds rte_hash on a miss. */
		hash_sig_t sig = rte_hash_crc(k, sizeof(*k), 0);
		const struct vs_fdb_cache_entry *set;

		if (c->bypass > 0) {
			kp[nm] = k;
			msig[nm] = sig;
			miss[nm++] = (uint16_t)i;
			continue;
		}
		set = vs_fdb_cache_set(c, sig);
		if (vs_fdb_cache_hit(&set[0], k, epoch)) {
			positions[i] = set[0].pos;
			continue;
		}
		if (vs_fdb_cache_hit(&set[1], k, epoch)) {
			positions[i] = set[1].pos;
			continue;
		}
		kp[nm] = k;
		msig[nm] = sig;
		miss[nm++] = (uint16_t)i;
	}
	if (c->bypass > 0) {
		c->bypassed += n;
	} else {
		c->hits += n - nm;
		c->misses += nm;
		c->win_hits += n - nm;
		c->win_lookups += n;
	}
	if (c->win_lookups >= VS_FDB_CACHE_WINDOW) {
		if (c->win_hits * VS_FDB_CACHE_POOR < c->win_lookups)
			c->bypass = VS_FDB_CACHE_BYPASS;
		c->win_hits = c->win_lookups = 0;
	}
	if (nm == 0)
		return;
	if (rte_hash_lookup_with_hash_bulk(fdb->hash, kp, msig, nm, mpos) != 0) {
		for (i = 0; i < nm; i++)
			positions[miss[i]] = -ENOENT;
		return;
	}
	for (i = 0; i < nm; i++) {
		positions[miss[i]] = mpos[i];
		if (mpos[i] >= 0 && c->bypass == 0)
			vs_fdb_cache_fill(vs_fdb_cache_set(c, msig[i]), msig[i], kp[i], mpos[i],
					  epoch);
	}
}

int32_t
vs_fdb_lookup_one(const struct vs_fdb *fdb, const struct vs_fdb_key *key)
{
	return rte_hash_lookup(fdb->hash, key);
}

/* A slot for one more entry, within the bound; false when full. */
static inline bool
vs_fdb_reserve(struct vs_fdb *fdb)
{
	if (__atomic_add_fetch(&fdb->count, 1, __ATOMIC_RELAXED) > fdb->capacity) {
		__atomic_sub_fetch(&fdb->count, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

static inline void
vs_fdb_unreserve(struct vs_fdb *fdb)
{
	__atomic_sub_fetch(&fdb->count, 1, __ATOMIC_RELAXED);
}

/*
 * Every write of a value is a compare-and-swap against what the writer
 * read, so that nothing is lost between writers: a static entry installed
 * by the control thread is never overwritten by a worker that read the
 * value before it, and of two workers adding the same new station at once
 * (both get the same position from rte_hash_add_key) exactly one turns the
 * value from 0 to its own and counts the entry; the other sees a value
 * and updates it like any known station.  The entry count follows the
 * same rule: whoever turns a value from 0 to non-zero holds one unit of
 * it, and vs_fdb_delete_collected gives it back when it zeroes the value.
 */
enum vs_fdb_learn_result
vs_fdb_learn(struct vs_fdb *fdb, const struct vs_fdb_key *key, int32_t pos, uint16_t port,
	     uint16_t gen, uint32_t now_s)
{
	uint64_t want = vs_fdb_value(port, gen, now_s);
	uint64_t have = 0;

	if (pos < 0) {
		/* The burst's lookup ran before earlier frames of the same burst
		 * were learned: look again before spending a slot. */
		pos = rte_hash_lookup(fdb->hash, key);
	}
	if (pos < 0) {
		if (!vs_fdb_reserve(fdb))
			return VS_FDB_FULL;
		pos = rte_hash_add_key(fdb->hash, key);
		if (pos < 0 || (uint32_t)pos >= fdb->n_values) {
			vs_fdb_unreserve(fdb);
			return VS_FDB_FULL;
		}
		/* Readers that find the key before this store see value 0
		 * (generation 0 never matches a port) and flood: harmless for
		 * one frame. */
		if (__atomic_compare_exchange_n(&fdb->values[pos], &have, want, false,
						__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			return VS_FDB_LEARNED;
		vs_fdb_unreserve(fdb); /* another writer got there first */
	} else {
		have = __atomic_load_n(&fdb->values[pos], __ATOMIC_ACQUIRE);
	}
	for (;;) {
		if (have == 0) {
			/* Added by a writer that has not stored yet: take it over,
			 * with the unit of count that goes with it. */
			if (!vs_fdb_reserve(fdb))
				return VS_FDB_FULL;
			if (__atomic_compare_exchange_n(&fdb->values[pos], &have, want, false,
							__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
				return VS_FDB_LEARNED;
			vs_fdb_unreserve(fdb);
			continue;
		}
		if (vs_fdb_value_seen(have) == VS_FDB_STATIC && vs_fdb_value_gen(have) != 0)
			return vs_fdb_value_port(have) == port && vs_fdb_value_gen(have) == gen
				       ? VS_FDB_REFRESHED
				       : VS_FDB_STATIC_HELD;
		if (have == want)
			return VS_FDB_REFRESHED;
		if (__atomic_compare_exchange_n(&fdb->values[pos], &have, want, false,
						__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			return vs_fdb_value_port(have) != port || vs_fdb_value_gen(have) != gen
				       ? VS_FDB_MOVED
				       : VS_FDB_REFRESHED;
	}
}

enum vs_fdb_learn_result
vs_fdb_learn_dry(const struct vs_fdb *fdb, const struct vs_fdb_key *key, int32_t pos,
		 uint16_t port, uint16_t gen)
{
	uint64_t have;

	if (pos < 0)
		pos = rte_hash_lookup(fdb->hash, key);
	if (pos < 0)
		return __atomic_load_n(&fdb->count, __ATOMIC_RELAXED) >= fdb->capacity
			       ? VS_FDB_FULL
			       : VS_FDB_LEARNED;
	have = __atomic_load_n(&fdb->values[pos], __ATOMIC_RELAXED);
	if (vs_fdb_value_gen(have) == 0)
		return VS_FDB_LEARNED;
	if (vs_fdb_value_seen(have) == VS_FDB_STATIC &&
	    (vs_fdb_value_port(have) != port || vs_fdb_value_gen(have) != gen))
		return VS_FDB_STATIC_HELD;
	return vs_fdb_value_port(have) != port || vs_fdb_value_gen(have) != gen ? VS_FDB_MOVED
										: VS_FDB_REFRESHED;
}

int
vs_fdb_add_static(struct vs_fdb *fdb, const struct vs_fdb_key *key, uint16_t port, uint16_t gen)
{
	uint64_t want = vs_fdb_value(port, gen, VS_FDB_STATIC), have;
	int32_t pos = rte_hash_lookup(fdb->hash, key);
	bool reserved = false;

	if (pos < 0) {
		if (!vs_fdb_reserve(fdb))
			return -ENOSPC;
		reserved = true;
		pos = rte_hash_add_key(fdb->hash, key);
		if (pos < 0 || (uint32_t)pos >= fdb->n_values) {
			vs_fdb_unreserve(fdb);
			return -ENOSPC;
		}
	}
	/* Workers may be learning the same key: see vs_fdb_learn. */
	have = __atomic_load_n(&fdb->values[pos], __ATOMIC_ACQUIRE);
	for (;;) {
		if (have == 0 && !reserved) {
			if (!vs_fdb_reserve(fdb))
				return -ENOSPC;
			reserved = true;
		}
		if (__atomic_compare_exchange_n(&fdb->values[pos], &have, want, false,
						__ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
			break;
	}
	if (reserved && have != 0)
		vs_fdb_unreserve(fdb);
	return 0;
}

struct vs_fdb_victims {
	struct vs_fdb_key *keys;
	int32_t *pos;
	unsigned int n, cap;
};

static int
vs_fdb_victims_push(struct vs_fdb_victims *v, const struct vs_fdb_key *k, int32_t pos)
{
	if (v->n == v->cap) {
		unsigned int cap = v->cap ? v->cap * 2 : 256;
		struct vs_fdb_key *nk = realloc(v->keys, cap * sizeof(*nk));
		int32_t *np;

		if (nk == NULL)
			return -ENOMEM;
		v->keys = nk;
		np = realloc(v->pos, cap * sizeof(*np));
		if (np == NULL)
			return -ENOMEM;
		v->pos = np;
		v->cap = cap;
	}
	v->keys[v->n] = *k;
	v->pos[v->n] = pos;
	v->n++;
	return 0;
}

/*
 * Deleting while iterating may move entries between buckets and skip some,
 * so victims are collected first and deleted after the walk.  Each victim
 * is tested again just before it goes (a worker may have refreshed it
 * since the walk).  Worker caches are emptied by an epoch bump once the
 * keys are gone.  A deleted key's position stays reserved until every
 * worker has passed a quiescent state: a worker that found the key before
 * may still write its value.  Then the value is zeroed, its unit of count
 * given back (if a writer had set it: see vs_fdb_learn), and the position
 * freed, so the next station in it starts from 0.
 */
static unsigned int
vs_fdb_delete_collected(struct vs_fdb *fdb, struct vs_fdb_victims *v,
			int (*match)(const struct vs_fdb_key *, uint64_t, void *), void *arg)
{
	unsigned int i, n = 0;

	for (i = 0; i < v->n; i++) {
		int32_t pos;

		if (match != NULL &&
		    !match(&v->keys[i], __atomic_load_n(&fdb->values[v->pos[i]], __ATOMIC_ACQUIRE),
			   arg))
			continue;
		pos = rte_hash_del_key(fdb->hash, &v->keys[i]);
		if (pos < 0)
			continue;
		v->pos[n++] = pos;
	}
	/* Workers' caches forget every position before any is freed.  After
	 * the deletions, not before: a lookup that started under the new
	 * epoch cannot find a deleted key, while one under the old epoch
	 * could have, and cached it, between the bump and the deletion. */
	if (n > 0)
		__atomic_add_fetch(&fdb->epoch, 1, __ATOMIC_RELEASE);
	if (n > 0 && fdb->qsbr != NULL)
		rte_rcu_qsbr_synchronize(fdb->qsbr, RTE_QSBR_THRID_INVALID);
	for (i = 0; i < n; i++) {
		if (__atomic_exchange_n(&fdb->values[v->pos[i]], 0, __ATOMIC_ACQ_REL) != 0)
			vs_fdb_unreserve(fdb);
		rte_hash_free_key_with_position(fdb->hash, v->pos[i]);
	}
	free(v->keys);
	free(v->pos);
	return n;
}

unsigned int
vs_fdb_delete_if(struct vs_fdb *fdb, int (*match)(const struct vs_fdb_key *, uint64_t, void *),
		 void *arg)
{
	struct vs_fdb_victims v = {0};
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(fdb->hash, &key, &data, &next)) >= 0) {
		uint64_t val = __atomic_load_n(&fdb->values[pos], __ATOMIC_RELAXED);

		if (match(key, val, arg) && vs_fdb_victims_push(&v, key, pos) != 0)
			break;
	}
	return vs_fdb_delete_collected(fdb, &v, match, arg);
}

static int
vs_fdb_is_stale(const struct vs_fdb_key *k, uint64_t v, void *arg)
{
	const uint32_t *lim = arg; /* [now_s, aging_s] */
	uint32_t seen = vs_fdb_value_seen(v);

	(void)k;
	/* A slot whose value is not yet written (gen 0) belongs to a learn in
	 * flight; leave it for the next pass. */
	if (vs_fdb_value_gen(v) == 0)
		return 0;
	return lim[0] > seen && lim[0] - seen > lim[1];
}

unsigned int
vs_fdb_age(struct vs_fdb *fdb, uint32_t now_s)
{
	uint32_t lim[2] = {now_s, fdb->aging_s};
	unsigned int n = vs_fdb_delete_if(fdb, vs_fdb_is_stale, lim);

	fdb->aged += n;
	return n;
}

void
vs_fdb_walk(struct vs_fdb *fdb, void (*fn)(const struct vs_fdb_key *, uint64_t, void *), void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(fdb->hash, &key, &data, &next)) >= 0) {
		uint64_t val = __atomic_load_n(&fdb->values[pos], __ATOMIC_ACQUIRE);

		if (vs_fdb_value_gen(val) != 0)
			fn(key, val, arg);
	}
}

uint32_t
vs_fdb_count(const struct vs_fdb *fdb)
{
	return __atomic_load_n(&fdb->count, __ATOMIC_RELAXED);
}
