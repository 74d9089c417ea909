/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who holds a channel file (ARCHITECTURE §6): open-file-description locks,
 * which the kernel drops when their holder's process dies.  The host holds
 * the host-state word for the life of the channel, a guest the guest-state
 * word while it has the channel open.  So a host restarted after a crash
 * can tell the file its predecessor left from one a live host uses, and
 * the host can tell a guest that vanished from one that is idle: the
 * guest state the control thread acts on is decided here.
 */
#define _GNU_SOURCE /* F_OFD_SETLK, F_OFD_GETLK */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "netvsp_priv.h"

#define LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

static struct flock
chan_range(short type, off_t off)
{
	return (struct flock){.l_type = type, .l_whence = SEEK_SET, .l_start = off, .l_len = 4};
}

int
vs_chan_host_lock(int fd)
{
	struct flock fl = chan_range(F_WRLCK, offsetof(struct vs_chan_hdr, host_state));

	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	return errno == EAGAIN || errno == EACCES ? -EBUSY : -errno;
}

bool
vs_chan_guest_locked(int fd)
{
	struct flock fl = chan_range(F_WRLCK, VS_CHAN_LOCK_OFF);

	/* OFD locks conflict between descriptions even in one process: a
	 * guest in the host's process is seen too. */
	if (fcntl(fd, F_OFD_GETLK, &fl) != 0)
		return true; /* cannot tell: not a reason to drop a guest */
	return fl.l_type != F_UNLCK;
}

int
vs_chan_take_over(const char *path)
{
	uint32_t rescinded = VS_HOST_RESCINDED;
	struct vs_chan_hdr h;
	int fd = open(path, O_RDWR | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, VS_CHAN_MAGIC, 8) != 0)
		rc = -EEXIST;
	else
		rc = vs_chan_host_lock(fd);
	/* A guest still on the old file sees its NIC removed, as after a
	 * rescind; the next one finds the new file. */
	if (rc == 0 && pwrite(fd, &rescinded, sizeof(rescinded),
			      offsetof(struct vs_chan_hdr, host_state)) != (ssize_t)sizeof(rescinded))
		rc = -EIO;
	if (rc == 0 && unlink(path) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Polls between two looks at the guest's lock: the control thread polls
 * a channel about every millisecond while one exists. */
#define VS_PROBE_EVERY 16u

/* The guest state to act on.  The header's, except that an OPEN left
 * behind by a guest that died counts as closed until a guest opens again
 * (with a new session value).  A guest known to lock the channel died if
 * its lock is gone while the header still says OPEN for its session; one
 * that never locked (an older guest) is never declared gone. */
uint32_t
vs_chan_guest_state(struct vs_netvsp *ch, uint32_t *session)
{
	struct vs_ctl *c = &ch->c;
	uint32_t gs = LOAD_ACQ(&ch->hdr->guest_state);

	*session = LOAD_ACQ(&ch->hdr->guest_session);
	if (gs != VS_GUEST_OPEN && ch->lost) {
		/* Someone closed the dead guest's session (a guest that writes
		 * no session value does, before it opens). */
		ch->lost = false;
		vs_chan_publish(ch);
	}
	if (gs != VS_GUEST_OPEN || (ch->lost && *session == ch->lost_session))
		return VS_GUEST_CLOSED;
	if (c->guest_state != VS_GUEST_OPEN || *session != c->session || !c->locked ||
	    ++ch->probe_tick % VS_PROBE_EVERY != 0 || vs_chan_guest_locked(ch->fd))
		return VS_GUEST_OPEN;
	/* A guest closing cleanly writes CLOSED before its lock goes, and a
	 * new one writes its session before OPEN: look again. */
	if (LOAD_ACQ(&ch->hdr->guest_state) != VS_GUEST_OPEN ||
	    LOAD_ACQ(&ch->hdr->guest_session) != c->session)
		return vs_chan_guest_state(ch, session);
	ch->lost = true;
	ch->lost_session = c->session;
	CNT_INC(ch, guest_lost);
	return VS_GUEST_CLOSED;
}

