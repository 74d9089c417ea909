/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket: non-blocking, served from the control thread by
 * poll().  Each client has its own input and output buffers, so a slow
 * reader, a client that vanishes mid-request or one that sends garbage
 * affects nobody else.  Requests are lines; a line longer than
 * VS_CTL_MAX_REQUEST is answered with an error and the connection closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "rpc_priv.h"

#define VS_CTL_READ_CHUNK 65536

static void
vs_ctl_client_close(struct vs_ctl_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->in);
	free(cl->out);
	memset(cl, 0, sizeof(*cl));
	cl->fd = -1;
}

struct vs_ctl *
vs_ctl_create(struct vs_dp *dp, const struct vs_ctl_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct vs_ctl *c = calloc(1, sizeof(*c));
	struct timespec ts;
	struct stat st;
	unsigned int i;

	if (c == NULL) {
		snprintf(err, errlen, "control: out of memory");
		return NULL;
	}
	c->dp = dp;
	c->conf = *conf;
	c->listen_fd = -1;
	for (i = 0; i < VS_CTL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->started_s = (uint64_t)ts.tv_sec;
	c->self_saved = vs_dp_self_changes(dp);
	if (conf->config_path != NULL)
		snprintf(c->config_path, sizeof(c->config_path), "%s", conf->config_path);
	if (vs_ctl_register_dp_methods(c) != 0 || vs_ctl_register_info_methods(c) != 0 ||
	    vs_ctl_register_trace_methods(c) != 0 || vs_ctl_register_capture_methods(c) != 0 ||
	    vs_ctl_register_mac_pool_methods(c) != 0 || vs_ctl_register_nlb_methods(c) != 0 ||
	    vs_ctl_register_vmq_methods(c) != 0) {
		snprintf(err, errlen, "control: method table full");
		goto fail;
	}
	if (conf->rundir == NULL)
		return c; /* requests through vs_ctl_handle only (tests) */
	/* The rundir holds the socket: nobody but its owner may replace it. */
	if (stat(conf->rundir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "control: rundir %s is not a directory", conf->rundir);
		goto fail;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(err, errlen, "control: rundir %s is world-writable; refusing to put the "
				      "socket there",
			 conf->rundir);
		goto fail;
	}
	if (snprintf(c->sock_path, sizeof(c->sock_path), "%s/vswitchd.sock", conf->rundir) >=
		    (int)sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control: socket path %s/vswitchd.sock is too long",
			 conf->rundir);
		goto fail;
	}
	memcpy(sa.sun_path, c->sock_path, strlen(c->sock_path) + 1);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->listen_fd < 0) {
		snprintf(err, errlen, "control: socket: %s", strerror(errno));
		goto fail;
	}
	/* A socket left by a daemon that died is stale; one that answers is
	 * another live vswitchd. */
	if (connect(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		snprintf(err, errlen, "control: %s: another vswitchd is running", c->sock_path);
		goto fail;
	}
	close(c->listen_fd);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(c->sock_path);
	if (c->listen_fd >= 0 && bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		c->bound = true;
	if (c->listen_fd < 0 || !c->bound ||
	    chmod(c->sock_path, 0660) != 0 ||
	    (conf->sock_gid >= 0 && chown(c->sock_path, (uid_t)-1, (gid_t)conf->sock_gid) != 0) ||
	    listen(c->listen_fd, 16) != 0) {
		snprintf(err, errlen, "control: %s: %s", c->sock_path, strerror(errno));
		goto fail;
	}
	return c;
fail:
	vs_ctl_destroy(c);
	return NULL;
}

void
vs_ctl_destroy(struct vs_ctl *c)
{
	unsigned int i;

	if (c == NULL)
		return;
	for (i = 0; i < VS_CTL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0)
			vs_ctl_client_close(&c->clients[i]);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	if (c->bound) /* never remove a socket another daemon owns */
		unlink(c->sock_path);
	free(c);
}

static int
vs_ctl_queue_out(struct vs_ctl_client *cl, const char *s, size_t len)
{
	char *n = realloc(cl->out, cl->out_len + len + 1);

	if (n == NULL)
		return -ENOMEM;
	cl->out = n;
	memcpy(cl->out + cl->out_len, s, len);
	cl->out_len += len;
	cl->out[cl->out_len++] = '\n';
	return 0;
}

static void
vs_ctl_flush_out(struct vs_ctl_client *cl)
{
	while (cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off, cl->out_len - cl->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			cl->closing = true;
			cl->out_off = cl->out_len;
			break;
		}
		cl->out_off += (size_t)n;
	}
	cl->out_len = cl->out_off = 0;
}

/* Answers every whole line in the input buffer. */
static void
vs_ctl_serve_lines(struct vs_ctl *c, struct vs_ctl_client *cl)
{
	size_t start = 0;
	char *nl;

	while (!cl->closing &&
	       (nl = memchr(cl->in + start, '\n', cl->in_len - start)) != NULL) {
		size_t len = (size_t)(nl - (cl->in + start));
		char *resp;

		if (len > 0 && !(len == 1 && cl->in[start] == '\r')) {
			resp = vs_ctl_handle(c, cl->in + start, len);
			if (resp != NULL) {
				if (vs_ctl_queue_out(cl, resp, strlen(resp)) != 0)
					cl->closing = true;
				free(resp);
			}
		}
		start += len + 1;
	}
	memmove(cl->in, cl->in + start, cl->in_len - start);
	cl->in_len -= start;
	if (cl->in_len > VS_CTL_MAX_REQUEST) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":"
			 "\"request longer than %u bytes\"}}",
			 VS_CTL_E_INVALID_REQUEST, VS_CTL_MAX_REQUEST);
		vs_ctl_queue_out(cl, msg, strlen(msg));
		cl->closing = true;
		cl->in_len = 0;
	}
}

static void
vs_ctl_read(struct vs_ctl *c, struct vs_ctl_client *cl)
{
	for (;;) {
		ssize_t n;

		if (cl->in_cap - cl->in_len < VS_CTL_READ_CHUNK) {
			size_t cap = cl->in_cap ? cl->in_cap * 2 : 2 * VS_CTL_READ_CHUNK;
			char *in;

			if (cap > 2 * VS_CTL_MAX_REQUEST + 2 * VS_CTL_READ_CHUNK)
				cap = 2 * VS_CTL_MAX_REQUEST + 2 * VS_CTL_READ_CHUNK;
			in = realloc(cl->in, cap);
			if (in == NULL) {
				cl->closing = true;
				return;
			}
			cl->in = in;
			cl->in_cap = cap;
		}
		n = recv(cl->fd, cl->in + cl->in_len, cl->in_cap - cl->in_len, MSG_DONTWAIT);
		if (n == 0) { /* peer closed: answer what is whole, then go */
			vs_ctl_serve_lines(c, cl);
			cl->closing = true;
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				cl->closing = true;
			return;
		}
		cl->in_len += (size_t)n;
		vs_ctl_serve_lines(c, cl);
		if (cl->closing)
			return;
	}
}

void
vs_ctl_poll(struct vs_ctl *c, int timeout_ms)
{
	struct pollfd pfd[VS_CTL_MAX_CLIENTS + 1];
	struct vs_ctl_client *who[VS_CTL_MAX_CLIENTS + 1];
	unsigned int i, n = 0;
	char err[256];

	/* What the datapath changed by itself (a host vNIC following its
	 * uplink's MTU) is saved like any change; retried until it is. */
	if (vs_dp_self_changes(c->dp) != c->self_saved && vs_ctl_persist(c, err, sizeof(err)) == 0)
		c->self_saved = vs_dp_self_changes(c->dp);
	if (c->listen_fd < 0) {
		poll(NULL, 0, timeout_ms);
		return;
	}
	pfd[n].fd = c->listen_fd;
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	for (i = 0; i < VS_CTL_MAX_CLIENTS; i++) {
		struct vs_ctl_client *cl = &c->clients[i];

		if (cl->fd < 0)
			continue;
		pfd[n].fd = cl->fd;
		pfd[n].events = (short)(cl->closing ? 0 : POLLIN) | (cl->out_len ? POLLOUT : 0);
		who[n++] = cl;
	}
	if (poll(pfd, n, timeout_ms) <= 0)
		return;
	for (i = 1; i < n; i++) {
		struct vs_ctl_client *cl = who[i];

		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			vs_ctl_read(c, cl);
		vs_ctl_flush_out(cl);
		if (cl->closing && cl->out_len == 0)
			vs_ctl_client_close(cl);
	}
	if (pfd[0].revents & POLLIN) {
		int fd;

		while ((fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
			for (i = 0; i < VS_CTL_MAX_CLIENTS; i++)
				if (c->clients[i].fd < 0)
					break;
			if (i == VS_CTL_MAX_CLIENTS) {
				close(fd); /* full: the client sees a closed connection */
				continue;
			}
			c->clients[i].fd = fd;
		}
	}
}
