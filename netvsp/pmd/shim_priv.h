/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The netvsc shim's state and the helpers its files share (shim.c's
 * header says what the shim plays).  All hidden: the library exports the
 * libc functions it intercepts and nothing else.
 */
#ifndef VS_NETVSC_SHIM_PRIV_H
#define VS_NETVSC_SHIM_PRIV_H

#include <dlfcn.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto_priv.h"

#define SYS_VMBUS "/sys/bus/vmbus"
#define RELID 14 /* also spelt out in paths: no suffix */
#define STR_(x) #x
#define STR(x) STR_(x)
#define RXBUF_LEN (8u << 20)
#define TXBUF_LEN (4u << 20)
#define HEAP_OFF ((uint64_t)RXBUF_LEN + TXBUF_LEN)
#define MAX_FD 4096
#define MAX_FILES 32
#define MAX_DIRS 8

enum fd_kind { FD_NONE, FD_UIO, FD_HEAP };

struct fake_file {
	char path[PATH_MAX];
	char text[96];
};

struct fake_dir {
	char path[PATH_MAX];
	char entry[64]; /* one entry each */
};

struct open_dir;

struct shim_state {
	bool inited, active, opened;
	char chan[PATH_MAX];
	int fd;
	struct vs_chan_hdr h; /* host fields, read once */
	uint8_t *map;         /* header page and both rings, shared */
	size_t map_len;
	char guid[40];
	char dev[128];
	struct fake_file files[MAX_FILES];
	int n_files;
	struct fake_dir dirs[MAX_DIRS];
	int n_dirs;
	uint64_t heap_max, heap_len;
	uint8_t kind[MAX_FD];
	struct open_dir *dirs_open[16];
};

/* The real functions: each file declares those it calls, and resolves one
 * before its first call. */
#define REAL(ret, name, ...)                                                                       \
	static ret (*real_##name)(__VA_ARGS__);                                                    \
	static void resolve_##name(void)                                                           \
	{                                                                                          \
		if (real_##name == NULL)                                                           \
			real_##name = dlsym(RTLD_NEXT, #name);                                     \
	}

#pragma GCC visibility push(hidden)

/* shim.c */
extern struct shim_state vs_shim;
/* shim.c */
__attribute__((noreturn, format(printf, 1, 2))) void shim_die(const char *fmt, ...);
/* shim.c: reads the channel header and builds the sysfs tree, once. */
void shim_init(void);
/* shim.c: a path under /sys/bus/vmbus or /dev/uio while the shim is active. */
bool shim_ours(const char *path);
/* shim.c */
__attribute__((noreturn)) void shim_unknown(const char *what, const char *path);
/* shim.c: the kernel's part of the channel open, once. */
void shim_chan_open(void);
/* shim_sysfs.c */
bool shim_known_absent(const char *path);
/* shim_sysfs.c */
const struct fake_file *shim_find_file(const char *path);

#pragma GCC visibility pop

#endif
