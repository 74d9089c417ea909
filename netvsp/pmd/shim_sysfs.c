/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shim's sysfs: the files and directories shim_init() built, served
 * through fopen, access and the directory calls.  Apart because this is the
 * PMD's read-only view of the device, independent of the channel behind it
 * (the one link: reading a map's name opens the channel).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim_priv.h"

struct open_dir {
	uint32_t magic;
	int pos;
	const struct fake_dir *d;
	struct dirent ent;
};
#define DIR_MAGIC 0x76736469u

REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(DIR *, opendir, const char *)
REAL(struct dirent *, readdir, DIR *)
REAL(struct dirent64 *, readdir64, DIR *)
REAL(int, closedir, DIR *)
REAL(int, access, const char *, int)

/* Paths that exist on a real guest only in other configurations: absent
 * without a word. */
bool
shim_known_absent(const char *path)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/numa_node", vs_shim.dev);
	if (strcmp(path, p) == 0)
		return true;
	snprintf(p, sizeof(p), "%s/channels/%u/ring", vs_shim.dev, RELID);
	return strcmp(path, p) == 0; /* no subchannels: one queue */
}

/* ---- files ---- */

const struct fake_file *
shim_find_file(const char *path)
{
	for (int i = 0; i < vs_shim.n_files; i++)
		if (strcmp(vs_shim.files[i].path, path) == 0)
			return &vs_shim.files[i];
	return NULL;
}

static const struct fake_dir *
find_dir(const char *path)
{
	for (int i = 0; i < vs_shim.n_dirs; i++)
		if (strcmp(vs_shim.dirs[i].path, path) == 0)
			return &vs_shim.dirs[i];
	return NULL;
}

static FILE *
fake_fopen(const char *path, const char *mode)
{
	const struct fake_file *f = shim_find_file(path);

	if (f == NULL) {
		if (shim_known_absent(path)) {
			errno = ENOENT;
			return NULL;
		}
		shim_unknown("fopen", path);
	}
	if (mode[0] != 'r')
		shim_die("fopen(%s, %s): sysfs files of the shim are read-only", path, mode);
	if (strstr(path, "/maps/map") != NULL && strstr(path, "/name") != NULL)
		shim_chan_open();
	return fmemopen((void *)f->text, strlen(f->text), "r");
}

FILE *
fopen(const char *path, const char *mode)
{
	if (shim_ours(path))
		return fake_fopen(path, mode);
	resolve_fopen();
	return real_fopen(path, mode);
}

FILE *
fopen64(const char *path, const char *mode)
{
	if (shim_ours(path))
		return fake_fopen(path, mode);
	resolve_fopen64();
	return real_fopen64(path, mode);
}

int
access(const char *path, int mode)
{
	if (shim_ours(path)) {
		if (shim_find_file(path) != NULL || find_dir(path) != NULL)
			return (mode & X_OK) ? (errno = EACCES, -1) : 0;
		if (shim_known_absent(path)) {
			errno = ENOENT;
			return -1;
		}
		shim_unknown("access", path);
	}
	resolve_access();
	return real_access(path, mode);
}

/* ---- directories ---- */

static struct open_dir *
as_fake_dir(DIR *d)
{
	for (unsigned i = 0; i < sizeof(vs_shim.dirs_open) / sizeof(vs_shim.dirs_open[0]); i++)
		if (vs_shim.dirs_open[i] != NULL && (DIR *)vs_shim.dirs_open[i] == d)
			return vs_shim.dirs_open[i];
	return NULL;
}

DIR *
opendir(const char *path)
{
	if (shim_ours(path)) {
		const struct fake_dir *fd = find_dir(path);
		struct open_dir *o;

		if (fd == NULL) {
			if (strcmp(path, SYS_VMBUS) == 0 || shim_known_absent(path)) {
				errno = ENOENT;
				return NULL;
			}
			shim_unknown("opendir", path);
		}
		o = calloc(1, sizeof(*o));
		if (o == NULL)
			return NULL;
		o->magic = DIR_MAGIC;
		o->d = fd;
		for (unsigned i = 0; i < sizeof(vs_shim.dirs_open) / sizeof(vs_shim.dirs_open[0]);
		     i++)
			if (vs_shim.dirs_open[i] == NULL) {
				vs_shim.dirs_open[i] = o;
				return (DIR *)o;
			}
		shim_die("too many open vmbus directories");
	}
	resolve_opendir();
	return real_opendir(path);
}

static struct dirent *
fake_readdir(struct open_dir *o)
{
	static const char *const dots[] = {".", ".."};

	memset(&o->ent, 0, sizeof(o->ent));
	if (o->pos < 2) {
		snprintf(o->ent.d_name, sizeof(o->ent.d_name), "%s", dots[o->pos]);
		o->ent.d_type = DT_DIR;
	} else if (o->pos == 2) {
		snprintf(o->ent.d_name, sizeof(o->ent.d_name), "%s", o->d->entry);
		o->ent.d_type = DT_DIR;
	} else {
		return NULL;
	}
	o->ent.d_ino = (ino_t)(o->pos + 1);
	o->ent.d_reclen = sizeof(o->ent);
	o->pos++;
	return &o->ent;
}

struct dirent *
readdir(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	if (o != NULL)
		return fake_readdir(o);
	resolve_readdir();
	return real_readdir(d);
}

struct dirent64 *
readdir64(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	_Static_assert(sizeof(struct dirent) == sizeof(struct dirent64), "LP64");
	if (o != NULL)
		return (struct dirent64 *)fake_readdir(o);
	resolve_readdir64();
	return real_readdir64(d);
}

int
closedir(DIR *d)
{
	struct open_dir *o = as_fake_dir(d);

	if (o != NULL) {
		for (unsigned i = 0; i < sizeof(vs_shim.dirs_open) / sizeof(vs_shim.dirs_open[0]);
		     i++)
			if (vs_shim.dirs_open[i] == o)
				vs_shim.dirs_open[i] = NULL;
		free(o);
		return 0;
	}
	resolve_closedir();
	return real_closedir(d);
}
