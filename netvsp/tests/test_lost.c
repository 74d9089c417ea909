/* SPDX-License-Identifier: BSD-3-Clause */
/* A guest that vanishes with the channel open, as a VM whose process is
 * killed: the guest runs in a child process that brings the channel up and
 * is killed with SIGKILL.  The host sees it lost (its lock went), stops
 * calling the channel open, and a new guest reattaches, also when it opens
 * before the host noticed.  A second guest on a live channel is refused.
 * A host killed the same way leaves its channel file: the next host takes
 * it over (rescinding it for a guest still on it), never a live host's. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_mbuf.h>

#include "guest.h"
#include "netvsp.h"
#include "netvsp_priv.h"
#include "test_chan_priv.h"
#include "test_priv.h"

static int lost_seq;

/* A channel with no guest yet. */
static void
lost_channel(struct host *h)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20};
	char name[32], err[128];

	memset(h, 0, sizeof(*h));
	memcpy(p.mac, GMAC, 6);
	snprintf(name, sizeof(name), "lost%d", lost_seq++);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, name, &p, &h->ch, err, sizeof(err)), 0);
}

/* A child process brings a guest up on the channel and waits to be
 * killed; the host is polled here meanwhile.  Returns the child's pid
 * once its guest is up, or -1. */
static pid_t
guest_in_child(struct host *h)
{
	struct pollfd pfd;
	int fds[2];
	pid_t pid;
	char c;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct vs_netvsp_guest_opts o = {.recv_buf_size = 2u << 20, .timeout_ms = 3000};
		struct vs_netvsp_guest *g;

		close(fds[0]);
		if (vs_netvsp_guest_open(vs_netvsp_path(h->ch), &o, &g) != 0 ||
		    vs_netvsp_guest_bringup(g) != 0)
			_exit(1);
		c = 'u';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		for (;;) {
			vs_netvsp_guest_poll(g);
			usleep(1000);
		}
	}
	close(fds[1]);
	pfd = (struct pollfd){.fd = fds[0], .events = POLLIN};
	for (int i = 0; pid > 0 && i < 50000; i++) {
		host_poll(h);
		if (poll(&pfd, 1, 0) == 1) {
			if (read(fds[0], &c, 1) == 1) {
				close(fds[0]);
				return pid;
			}
			break; /* the child failed */
		}
		usleep(100);
	}
	close(fds[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return -1;
}

static void
kill_guest(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* A new guest in this process brings the channel up and a frame crosses;
 * returns the guest (the caller tears down). */
static struct vs_netvsp_guest *
reattach(struct host *h)
{
	struct vs_netvsp_guest_opts o = {.recv_buf_size = 2u << 20, .timeout_ms = 3000,
					 .idle = host_poll, .idle_arg = h};
	struct vs_netvsp_guest *g;
	struct vs_netvsp_info info;
	uint8_t f[100];
	const void *fr[1] = {f};
	uint32_t len[1] = {tcp_frame(f, 100, OTHER, 7)};

	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(vs_netvsp_path(h->ch), &o, &g), 0);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_bringup(g), 0);
	vs_netvsp_get_info(h->ch, &info);
	CU_ASSERT(info.open && info.rndis_up && !info.lost);
	CU_ASSERT_EQUAL(vs_netvsp_guest_send(g, fr, len, NULL, 1, VS_GUEST_TX_SECTION), 0);
	for (int i = 0; i < 100 && h->nrx == 0; i++)
		pump(h, g, 1);
	CU_ASSERT_EQUAL(h->nrx, 1);
	CU_ASSERT_EQUAL(C(h, ring_corrupt), 0);
	return g;
}

static void
test_guest_killed(void)
{
	struct vs_netvsp_guest_opts o = {.timeout_ms = 100};
	struct vs_netvsp_guest *g2 = NULL;
	struct vs_netvsp_info info;
	struct host h;
	pid_t pid;

	lost_channel(&h);
	pid = guest_in_child(&h);
	CU_ASSERT_FATAL(pid > 0);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.open && info.rndis_up && !info.lost);
	/* One guest per channel. */
	CU_ASSERT_EQUAL(vs_netvsp_guest_open(vs_netvsp_path(h.ch), &o, &g2), -EBUSY);
	CU_ASSERT_PTR_NULL(g2);
	for (int i = 0; i < 200; i++)
		host_poll(&h); /* alive and idle: still open */
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.open && !info.lost);
	kill_guest(pid);
	for (int i = 0; i < 200 && !info.lost; i++) {
		host_poll(&h);
		vs_netvsp_get_info(h.ch, &info);
	}
	CU_ASSERT(info.lost);
	CU_ASSERT(!info.open);
	CU_ASSERT_EQUAL(C(&h, guest_lost), 1);
	CU_ASSERT_EQUAL(C(&h, close), 0);
	/* The header still says open: that is not taken for a new guest. */
	for (int i = 0; i < 100; i++)
		host_poll(&h);
	vs_netvsp_get_info(h.ch, &info);
	CU_ASSERT(info.lost && !info.open);
	CU_ASSERT_EQUAL(C(&h, open), 1);
	g2 = reattach(&h);
	CU_ASSERT_EQUAL(C(&h, open), 2);
	teardown(&h, g2);
}

/* The new guest opens before the host polled once after the kill. */
static void
test_guest_replaced_at_once(void)
{
	struct vs_netvsp_guest *g;
	struct host h;
	pid_t pid;

	lost_channel(&h);
	pid = guest_in_child(&h);
	CU_ASSERT_FATAL(pid > 0);
	kill_guest(pid);
	g = reattach(&h);
	CU_ASSERT_EQUAL(C(&h, guest_lost), 0);
	CU_ASSERT_EQUAL(C(&h, open), 2);
	teardown(&h, g);
}

/* A host in a child process creates the channel, a guest here opens it,
 * the host is killed; a new host takes the file over. */
static void
test_host_killed(void)
{
	struct vs_netvsp_params p = {.arena_size = 16u << 20};
	struct vs_netvsp_guest_opts o = {.timeout_ms = 100};
	struct vs_netvsp_guest *old = NULL;
	struct vs_netvsp *ch, *twin;
	char path[300], err[160];
	int fds[2], st, fd;
	pid_t pid;
	char c;

	memcpy(p.mac, GMAC, 6);
	snprintf(path, sizeof(path), "%s/crashed", test_dir);
	CU_ASSERT_FATAL(pipe(fds) == 0);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		c = vs_netvsp_create(test_dir, "crashed", &p, &ch, err, sizeof(err)) == 0 ? 'u' : 'x';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	CU_ASSERT_FATAL(read(fds[0], &c, 1) == 1 && c == 'u');
	close(fds[0]);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_guest_open(path, &o, &old), 0);
	/* While that host lives its file is not taken. */
	CU_ASSERT_EQUAL(vs_netvsp_create(test_dir, "crashed", &p, &twin, err, sizeof(err)), -EBUSY);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "in use by another running host"));
	CU_ASSERT(!vs_netvsp_guest_rescinded(old));
	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT_EQUAL_FATAL(vs_netvsp_create(test_dir, "crashed", &p, &ch, err, sizeof(err)), 0);
	CU_ASSERT(vs_netvsp_guest_rescinded(old));
	vs_netvsp_guest_close(old);
	{
		struct host h = {.ch = ch};

		teardown(&h, reattach(&h));
	}
	/* A file that is not a channel is never removed. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, "not a channel", 13), 13);
	close(fd);
	CU_ASSERT_EQUAL(vs_netvsp_create(test_dir, "crashed", &p, &ch, err, sizeof(err)), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a channel file"));
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	unlink(path);
}

int
test_lost_register(CU_pSuite s)
{
	return !CU_add_test(s, "guest killed: seen lost, one guest per channel, reattach",
			    test_guest_killed) ||
	       !CU_add_test(s, "guest killed and replaced before the host looked",
			    test_guest_replaced_at_once) ||
	       !CU_add_test(s, "host killed: its channel file taken over, a live one's not",
			    test_host_killed);
}
