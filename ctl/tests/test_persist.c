/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Saving the configuration when the write itself fails part-way (here the
 * file-size limit, EFBIG; e2e_faults fills a real disk for ENOSPC): the
 * change is refused naming the file and the cause, the file on disk is
 * byte for byte the one before, no temporary file is left, the running
 * state does not have the change; with room again the same change is
 * saved.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "ctl.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char dir[64], cfg_path[96];

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/vspersistXXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(cfg_path, sizeof(cfg_path), "%s/vswitch.json", dir);
	cc.config_path = cfg_path;
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
	return ctl == NULL ? -1 : 0;
}

static int
teardown(void)
{
	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	unlink(cfg_path);
	rmdir(dir);
	return 0;
}

/* The answer to a request, as text (caller frees). */
static char *
handle(const char *req)
{
	return vs_ctl_handle(ctl, req, strlen(req));
}

static char *
slurp(const char *path)
{
	char err[128];

	return vs_ctl_read_file(path, err, sizeof(err));
}

static int
dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

#define ADD(name)                                                                              \
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"switch.add\",\"params\":{\"name\":\"" name "\"}}"

static void
test_write_fails(void)
{
	struct rlimit old, small;
	void (*old_sig)(int);
	char *before, *after, *out;

	out = handle(ADD("kept"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "\"error\""));
	free(out);
	before = slurp(cfg_path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);

	/* Writes stop at 64 bytes: the new document cannot be written. */
	CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 64;
	old_sig = signal(SIGXFSZ, SIG_IGN);
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &small), 0);
	out = handle(ADD("refused"));
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, old_sig);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-32004"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, cfg_path));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, strerror(EFBIG)));
	free(out);
	after = slurp(cfg_path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_STRING_EQUAL(after, before);
	free(after);
	CU_ASSERT_EQUAL(dir_entries(), 1); /* no temporary file left */
	CU_ASSERT_EQUAL(vs_dp_switch_index(dp, "refused"), -ENOENT);
	CU_ASSERT(vs_dp_switch_index(dp, "kept") >= 0);

	/* Room again: the same change is saved. */
	out = handle(ADD("refused"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "\"error\""));
	free(out);
	after = slurp(cfg_path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "\"refused\""));
	CU_ASSERT_EQUAL(dir_entries(), 1);
	free(after);
	free(before);
}

CU_ErrorCode vs_test_register_persist(void); /* test_ctl.c */

CU_ErrorCode
vs_test_register_persist(void)
{
	CU_pSuite s = CU_add_suite("persistence faults", setup, teardown);

	if (s == NULL || !CU_add_test(s, "a save whose write fails: refused, old file intact",
				      test_write_fails))
		return CU_get_error();
	return CUE_SUCCESS;
}
