/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame lists, pcap reading and writing, folder listings.  No DPDK here:
 * vs-casegen links this file too, and must run without EAL.
 */
#include <dirent.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "golden.h"
#include "golden_priv.h"

int vs_golden_flist_add(struct vs_golden_flist *l, uint64_t ts_ns, const uint8_t *data,
			uint32_t len, uint32_t wire_len)
{
	struct vs_golden_frame *f;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	f = &l->v[l->n];
	/* malloc(0) may return NULL; keep a real buffer for empty frames. */
	f->data = malloc(len ? len : 1);
	if (!f->data)
		return -ENOMEM;
	if (len)
		memcpy(f->data, data, len);
	memset(&f->ppi, 0, sizeof(f->ppi));
	f->ts_ns = ts_ns;
	f->len = len;
	f->wire_len = wire_len > len ? wire_len : len;
	l->n++;
	return 0;
}

void vs_golden_flist_free(struct vs_golden_flist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int vs_golden_pcap_read(const char *path, struct vs_golden_flist *l, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *p;
	int rc;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!p) {
		vs_golden_errf(err, errlen, "%s: %s", path, ebuf);
		return -EINVAL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		vs_golden_errf(err, errlen, "%s: link type %d is not Ethernet", path, pcap_datalink(p));
		pcap_close(p);
		return -EINVAL;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		/* With nanosecond precision libpcap puts ns in tv_usec. */
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;

		if (vs_golden_flist_add(l, ts, data, h->caplen, h->len) < 0) {
			vs_golden_errf(err, errlen, "%s: out of memory", path);
			pcap_close(p);
			return -ENOMEM;
		}
	}
	if (rc == -1) {
		vs_golden_errf(err, errlen, "%s: %s", path, pcap_geterr(p));
		pcap_close(p);
		return -EIO;
	}
	pcap_close(p);
	return 0;
}

int vs_golden_pcap_write(const char *path, const struct vs_golden_flist *l, char *err,
			 size_t errlen)
{
	char tmp[4096];
	pcap_dumper_t *d;
	pcap_t *p;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		vs_golden_errf(err, errlen, "%s: path too long", path);
		return -ENAMETOOLONG;
	}
	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, VS_GOLDEN_SNAPLEN,
						 PCAP_TSTAMP_PRECISION_MICRO);
	if (!p) {
		vs_golden_errf(err, errlen, "%s: pcap_open_dead failed", path);
		return -ENOMEM;
	}
	d = pcap_dump_open(p, tmp);
	if (!d) {
		vs_golden_errf(err, errlen, "%s: %s", tmp, pcap_geterr(p));
		pcap_close(p);
		return -EIO;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct vs_golden_frame *f = &l->v[i];
		struct pcap_pkthdr h = { 0 };

		h.ts.tv_sec = (time_t)(f->ts_ns / 1000000000ull);
		h.ts.tv_usec = (suseconds_t)(f->ts_ns % 1000000000ull / 1000ull);
		h.caplen = f->len;
		h.len = f->wire_len;
		pcap_dump((u_char *)d, &h, f->data);
	}
	if (pcap_dump_flush(d) != 0) {
		vs_golden_errf(err, errlen, "%s: write failed", tmp);
		pcap_dump_close(d);
		pcap_close(p);
		unlink(tmp);
		return -EIO;
	}
	pcap_dump_close(d);
	pcap_close(p);
	if (rename(tmp, path) != 0) {
		int e = errno;

		vs_golden_errf(err, errlen, "%s: rename: %s", path, strerror(e));
		unlink(tmp);
		return -e;
	}
	return 0;
}

bool vs_golden_pcap_port(const char *file, char *port, size_t size)
{
	static const char *const exts[] = { ".pcap", ".pcapng" };
	size_t n = strlen(file);

	for (size_t i = 0; i < 2; i++) {
		size_t e = strlen(exts[i]);

		if (n > e && strcmp(file + n - e, exts[i]) == 0 && n - e < size) {
			memcpy(port, file, n - e);
			port[n - e] = '\0';
			return true;
		}
	}
	return false;
}

int vs_golden_remove_pcaps(const char *dir)
{
	char port[VS_NAME_MAX * 2], path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) != NULL) {
		if (!vs_golden_pcap_port(e->d_name, port, sizeof(port)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0) {
			int rc = -errno;

			closedir(d);
			return rc;
		}
	}
	closedir(d);
	return 0;
}

static int vs_golden_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entries of dir accepted by keep(), sorted by name. */
static int vs_golden_list(const char *dir, bool (*keep)(const char *dir, const char *name),
			  char ***names)
{
	char **v = NULL;
	int n = 0, cap = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	*names = NULL;
	if (!d)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !keep(dir, e->d_name))
			continue;
		if (n == cap) {
			char **nv;

			cap = cap ? cap * 2 : 32;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[n] = strdup(e->d_name);
		if (!v[n])
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, (size_t)n, sizeof(*v), vs_golden_cmp_str);
	*names = v;
	return n;
nomem:
	closedir(d);
	vs_golden_free_list(v, n);
	return -ENOMEM;
}

static bool vs_golden_is_case(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/topology.json", dir, name);
	return access(path, R_OK) == 0;
}

static bool vs_golden_is_pcap(const char *dir, const char *name)
{
	char port[256];

	(void)dir;
	return vs_golden_pcap_port(name, port, sizeof(port));
}

int vs_golden_list_cases(const char *dir, char ***names)
{
	return vs_golden_list(dir, vs_golden_is_case, names);
}

int vs_golden_list_pcaps(const char *dir, char ***names)
{
	return vs_golden_list(dir, vs_golden_is_pcap, names);
}

void vs_golden_free_list(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
