/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket under bad input: a server thread serves while clients
 * send garbage, oversized lines, half requests and vanish; after each, a
 * well-behaved client must still get its answers, and several clients at
 * once each get their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "ctl.h"

static struct vs_dp *dp;
static struct vs_ctl *ctl;
static char rundir[64], sock_path[96];
static int stop; /* atomic: the server thread reads it */
static pthread_t server;

static void *
serve(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		vs_ctl_poll(ctl, 20);
	return NULL;
}

static int
setup(void)
{
	struct vs_dp_conf dc = {.fdb_size = 1024};
	struct vs_ctl_conf cc = {.sock_gid = -1, .version = "test"};
	char err[256];

	snprintf(rundir, sizeof(rundir), "/tmp/vssrvXXXXXX");
	if (mkdtemp(rundir) == NULL)
		return -1;
	cc.rundir = rundir;
	snprintf(sock_path, sizeof(sock_path), "%s/vswitchd.sock", rundir);
	dp = vs_dp_create(&dc, err, sizeof(err));
	if (dp == NULL)
		return -1;
	ctl = vs_ctl_create(dp, &cc, err, sizeof(err));
	if (ctl == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	stop = 0;
	return pthread_create(&server, NULL, serve, NULL) == 0 ? 0 : -1;
}

static int
teardown(void)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(server, NULL);
	vs_ctl_destroy(ctl);
	vs_dp_destroy(dp);
	rmdir(rundir);
	return 0;
}

static int
connect_sock(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one line (without the newline) into buf; -1 on close. */
static int
read_line(int fd, char *buf, size_t len)
{
	size_t off = 0;

	while (off + 1 < len) {
		ssize_t n = recv(fd, buf + off, 1, 0);

		if (n <= 0)
			return -1;
		if (buf[off] == '\n')
			break;
		off++;
	}
	buf[off] = '\0';
	return (int)off;
}

/* A well-behaved client: the daemon still answers. */
static void
assert_serving(void)
{
	char line[4096];
	int fd = connect_sock();

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(send_all(fd, "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"daemon.info\"}\n",
				 49),
			0);
	CU_ASSERT(read_line(fd, line, sizeof(line)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"id\":42"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"result\""));
	close(fd);
}

static void
test_socket_mode(void)
{
	struct stat st;

	CU_ASSERT_EQUAL_FATAL(stat(sock_path, &st), 0);
	CU_ASSERT(S_ISSOCK(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0660);
	assert_serving();
}

static void
test_garbage_and_pipelining(void)
{
	static const char *const bad[] = {
		"garbage\n",
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"port.add\",\"params\":{\"switch\":1}}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"daemon.info\"}\n",
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"fdb.show\",\"params\":{\"vlan\":"
		"99999999999999999999999}}\n",
	};
	char line[4096], bin[256];
	unsigned int i;
	int fd = connect_sock();

	CU_ASSERT_FATAL(fd >= 0);
	/* Several requests in one write, each answered in order. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(send_all(fd, bad[i], strlen(bad[i])), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT(read_line(fd, line, sizeof(line)) > 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"error\""));
	}
	/* Binary garbage, NULs included, then a newline. */
	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (char)(i * 7 + 3);
	bin[sizeof(bin) - 1] = '\n';
	CU_ASSERT_EQUAL(send_all(fd, bin, sizeof(bin)), 0);
	CU_ASSERT(read_line(fd, line, sizeof(line)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "-32700"));
	close(fd);
	assert_serving();
}

static void
test_oversized_line(void)
{
	size_t len = 10u << 20;
	char *big = malloc(len), line[512];
	int fd = connect_sock();
	ssize_t sent = 0;

	CU_ASSERT_FATAL(big != NULL && fd >= 0);
	memset(big, 'a', len);
	/* The server closes after its error; the rest of the write may fail. */
	while ((size_t)sent < len) {
		ssize_t n = send(fd, big + sent, len - (size_t)sent, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		sent += n;
	}
	CU_ASSERT(read_line(fd, line, sizeof(line)) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "longer than"));
	CU_ASSERT_EQUAL(read_line(fd, line, sizeof(line)), -1); /* then closed */
	close(fd);
	free(big);
	assert_serving();
}

static void
test_half_request_then_disconnect(void)
{
	const char *half = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"switch.add\",\"params\":{\"na";
	int i;

	for (i = 0; i < 50; i++) {
		int fd = connect_sock();

		CU_ASSERT_FATAL(fd >= 0);
		send_all(fd, half, strlen(half));
		close(fd);
	}
	assert_serving();
	CU_ASSERT_EQUAL(vs_dp_switch_count(dp), 0);
}

static void
test_many_clients(void)
{
	int fds[20];
	char line[4096], req[128];
	int i;

	for (i = 0; i < 20; i++) {
		fds[i] = connect_sock();
		CU_ASSERT_FATAL(fds[i] >= 0);
	}
	/* Interleaved: every client sends before any reads. */
	for (i = 0; i < 20; i++) {
		int n = snprintf(req, sizeof(req),
				 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"switch.list\"}\n",
				 1000 + i);

		CU_ASSERT_EQUAL(send_all(fds[i], req, (size_t)n), 0);
	}
	for (i = 19; i >= 0; i--) {
		char want[32];

		snprintf(want, sizeof(want), "\"id\":%d", 1000 + i);
		CU_ASSERT(read_line(fds[i], line, sizeof(line)) > 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(line, want));
		close(fds[i]);
	}
}

static void
test_second_daemon_refused(void)
{
	struct vs_ctl_conf cc = {.sock_gid = -1, .rundir = rundir};
	char err[256];

	CU_ASSERT_PTR_NULL(vs_ctl_create(dp, &cc, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "another vswitchd is running"));
	assert_serving();
}

CU_ErrorCode
vs_test_register_server(void)
{
	CU_pSuite s = CU_add_suite("socket", setup, teardown);

	if (s == NULL || !CU_add_test(s, "socket mode 0660, serving", test_socket_mode) ||
	    !CU_add_test(s, "garbage, pipelined requests", test_garbage_and_pipelining) ||
	    !CU_add_test(s, "10 MB line refused, connection closed", test_oversized_line) ||
	    !CU_add_test(s, "half requests then disconnect", test_half_request_then_disconnect) ||
	    !CU_add_test(s, "20 clients at once", test_many_clients) ||
	    !CU_add_test(s, "a second daemon on the socket is refused",
			 test_second_daemon_refused))
		return CU_get_error();
	return CUE_SUCCESS;
}
