/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC table (forwarding database).
 *
 * Key
 *   (switch index, VLAN, MAC).  Learning is per VLAN, so the same MAC may
 *   live in two VLANs on two ports, and per switch, so switches never see
 *   each other's stations.
 *
 * Value
 *   One 64-bit word per entry, stored in an array indexed by the key's
 *   position in the hash: the port index, that port's generation (so an
 *   entry left behind by a deleted port whose slot was reused is never
 *   followed), and the last-seen time in seconds.  Workers update it with
 *   plain atomic stores, and only when it changes, so a busy station costs
 *   one store a second.
 *
 * Size and overflow
 *   The table is sized once, at creation (default 256k entries).  A separate
 *   atomic count enforces the bound exactly: rte_hash's per-lcore key caches
 *   would otherwise let it grow past the configured size.  A learn that would
 *   exceed it is refused and counted; the frame is still forwarded.  Memory
 *   never grows after start.
 *
 * Aging
 *   The control thread walks the table (vs_fdb_age) and deletes entries not
 *   seen for longer than the aging time.  Deletion keeps the key's position
 *   until every worker has passed a quiescent state, then zeroes its value
 *   and frees it (rte_hash_free_key_with_position), so a worker holding a
 *   position from a lookup never reads or writes a slot reused for another
 *   key, and a reused slot never starts with a stale value.
 *
 * Station moves
 *   A known MAC seen on another port of its switch is re-pointed there at
 *   once (last writer wins inside a burst; a MAC moving between two ports
 *   within one burst ends on the later one).
 *
 * Worker caches
 *   Each worker keeps a two-way set-associative cache of key -> position in front of
 *   rte_hash (as Open vSwitch's exact-match cache sits in front of its
 *   classifier): a hit costs one hash and one 16-byte compare instead of a
 *   bucket walk.  Values are always read from the table, so moves and
 *   refreshes are seen at once; only a deleted key's position could go
 *   stale, and every deletion bumps the table's epoch once the keys are
 *   gone, which empties every cache (entries carry the epoch they were
 *   filled in; bumped before, a lookup racing the deletion could cache a
 *   position under the new epoch and keep it after the slot was freed).  A position
 *   freed by a deletion is reused only after each worker's next quiescent
 *   state, i.e. after it has seen the new epoch.
 *
 * Thread safety
 *   Lookups: lock-free, any number of workers (RTE_HASH_EXTRA_FLAGS_
 *   RW_CONCURRENCY_LF).  Inserts: from workers, concurrently
 *   (MULTI_WRITER_ADD); rte_hash serialises writers internally, which only
 *   happens on a new station, never on a known one.  Values: every write is
 *   a compare-and-swap against the value the writer read (vs_fdb_learn), so
 *   two workers learning one new station count it once, a static entry is
 *   never overwritten by a worker's stale read, and a station seen on two
 *   ports ends on one of them (the last writer), then moves with its
 *   traffic.  Deletes (aging, flush): control thread only; they wait for a
 *   grace period, so they must not be called from a worker.
 */
#ifndef VS_FDB_PRIV_H
#define VS_FDB_PRIV_H

#include <stdint.h>

#include <rte_ether.h>

#include "vswitch.h"

struct rte_hash;
struct rte_rcu_qsbr;

struct vs_fdb_key {
	struct rte_ether_addr mac;
	uint16_t vlan;
	uint16_t sw;
	uint8_t pad[6]; /* 16-byte keys take rte_hash's vector compare */
} __rte_aligned(8); /* rte_hash_crc reads the key 8 bytes at a time */
_Static_assert(sizeof(struct vs_fdb_key) == 16, "fdb key must stay 16 bytes");

struct vs_fdb {
	struct rte_hash *hash;
	uint64_t *values;     /* indexed by hash position */
	uint32_t n_values;
	uint32_t capacity;
	uint32_t aging_s;
	uint32_t count;       /* live entries; atomic */
	uint32_t epoch;       /* bumped by every deletion; atomic; starts at 1 */
	uint64_t aged;        /* control thread only */
	struct rte_rcu_qsbr *qsbr; /* workers' quiescence; NULL: no workers */
};

#define VS_FDB_CACHE_SET_BITS 12
#define VS_FDB_CACHE_WAYS 2u
/* entries: 8192, 256 KB a worker; a set is one cache line */
#define VS_FDB_CACHE_SIZE ((1u << VS_FDB_CACHE_SET_BITS) * VS_FDB_CACHE_WAYS)

struct vs_fdb_cache_entry {
	struct vs_fdb_key key;
	int32_t pos;
	uint32_t epoch; /* 0: empty */
	uint64_t pad[1];
};

/* A cache that hits less than one lookup in VS_FDB_CACHE_POOR over a
 * window of VS_FDB_CACHE_WINDOW lookups (far more stations than entries)
 * is bypassed for the next VS_FDB_CACHE_BYPASS bursts, then tried again:
 * probing and filling it would only add to every lookup. */
#define VS_FDB_CACHE_WINDOW 4096u
#define VS_FDB_CACHE_POOR 8u
#define VS_FDB_CACHE_BYPASS 1024u

struct vs_fdb_cache {
	uint64_t hits, misses, bypassed;
	uint32_t win_hits, win_lookups, bypass;
	struct vs_fdb_cache_entry e[VS_FDB_CACHE_SIZE] __rte_cache_aligned;
};

/* A value's last-seen time meaning "configured, never aged or moved": the
 * MAC of a VM port whose MAC is known. */
#define VS_FDB_STATIC UINT32_MAX

/* Packing of a value word. */
static inline uint64_t
vs_fdb_value(uint16_t port, uint16_t gen, uint32_t seen_s)
{
	return ((uint64_t)port << 48) | ((uint64_t)gen << 32) | seen_s;
}
static inline uint16_t vs_fdb_value_port(uint64_t v) { return (uint16_t)(v >> 48); }
static inline uint16_t vs_fdb_value_gen(uint64_t v) { return (uint16_t)(v >> 32); }
static inline uint32_t vs_fdb_value_seen(uint64_t v) { return (uint32_t)v; }

/* qsbr may be NULL (no workers will ever read). */
int vs_fdb_init(struct vs_fdb *fdb, const char *name, uint32_t capacity, uint32_t aging_s,
		struct rte_rcu_qsbr *qsbr, char *err, size_t errlen);
void vs_fdb_fini(struct vs_fdb *fdb);

static inline void
vs_fdb_key_set(struct vs_fdb_key *k, uint16_t sw, uint16_t vlan, const struct rte_ether_addr *mac)
{
	k->mac = *mac;
	k->vlan = vlan;
	k->sw = sw;
	k->pad[0] = k->pad[1] = k->pad[2] = k->pad[3] = k->pad[4] = k->pad[5] = 0;
}

/* Result of learning one source address. */
enum vs_fdb_learn_result {
	VS_FDB_REFRESHED,
	VS_FDB_LEARNED,
	VS_FDB_MOVED,
	VS_FDB_FULL,
	VS_FDB_STATIC_HELD, /* the MAC is a port's configured MAC: not moved */
};

/*
 * Burst lookup: positions[i] receives the hash position of keys[i] or a
 * negative value when absent.  n <= VS_BURST.
 */
void vs_fdb_lookup_burst(const struct vs_fdb *fdb, const struct vs_fdb_key *keys,
			 unsigned int n, int32_t *positions);
/* One bulk lookup of two key arrays (na + nb <= 2 * VS_BURST): positions of
 * a[] first, then of b[].  One call instead of two halves the fixed cost. */
void vs_fdb_lookup_two(const struct vs_fdb *fdb, const struct vs_fdb_key *a, unsigned int na,
		       const struct vs_fdb_key *b, unsigned int nb, int32_t *positions);
int32_t vs_fdb_lookup_one(const struct vs_fdb *fdb, const struct vs_fdb_key *key);
/* vs_fdb_lookup_two through a worker's cache: hits answered from it, the
 * rest in one rte_hash bulk lookup (with the hashes already computed),
 * found positions cached. */
void vs_fdb_lookup_cached(const struct vs_fdb *fdb, struct vs_fdb_cache *c,
			  const struct vs_fdb_key *a, unsigned int na, const struct vs_fdb_key *b,
			  unsigned int nb, int32_t *positions);
/* Learns one key given the outcome of a lookup for it (pos < 0: absent). */
enum vs_fdb_learn_result vs_fdb_learn(struct vs_fdb *fdb, const struct vs_fdb_key *key,
				      int32_t pos, uint16_t port, uint16_t gen, uint32_t now_s);

/* What vs_fdb_learn would answer, changing nothing (traces). */
enum vs_fdb_learn_result vs_fdb_learn_dry(const struct vs_fdb *fdb, const struct vs_fdb_key *key,
					  int32_t pos, uint16_t port, uint16_t gen);

/* Control thread. */
/* Installs (or re-points) a static entry; -ENOSPC when the table is full. */
int vs_fdb_add_static(struct vs_fdb *fdb, const struct vs_fdb_key *key, uint16_t port,
		      uint16_t gen);
unsigned int vs_fdb_age(struct vs_fdb *fdb, uint32_t now_s);
/* Deletes entries for which match(key, value, arg) is true. */
unsigned int vs_fdb_delete_if(struct vs_fdb *fdb,
			      int (*match)(const struct vs_fdb_key *, uint64_t, void *), void *arg);
void vs_fdb_walk(struct vs_fdb *fdb, void (*fn)(const struct vs_fdb_key *, uint64_t, void *),
		 void *arg);
uint32_t vs_fdb_count(const struct vs_fdb *fdb);

#endif
