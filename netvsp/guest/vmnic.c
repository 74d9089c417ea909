/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmnic: a simulated synthetic NIC bridged to a tap, so that a real kernel
 * network stack (in a namespace, say) sits behind a netVSC channel.
 *
 *   vmnic --chan <rundir>/chan/<port> --tap IFNAME
 *
 * It opens the channel as Linux's hv_netvsc would (the guest simulator),
 * creates the tap with the NIC's MAC, and moves frames both ways until
 * SIGINT or SIGTERM, when it tears the channel down as a guest does.  The
 * tap can be moved into a namespace afterwards (`ip link set IF netns NS`):
 * the file descriptor keeps working.  Prints "vmnic: up ..." once the
 * channel is up and the tap exists.
 *
 * Offloads are off: frames are MTU-sized and checksummed by the kernel
 * (the tap has no IFF_VNET_HDR), so no checksum or LSO per-packet info is
 * exchanged yet.  A frame the switch delivers with 802.1Q per-packet info
 * gets its tag back in the frame, as hv_netvsc hands it to the stack.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest.h"

#define VMNIC_BATCH 32

static volatile sig_atomic_t vmnic_quit;

static void
vmnic_on_signal(int sig)
{
	(void)sig;
	vmnic_quit = 1;
}

/* A tap this process holds, with the NIC's MAC, up. */
static int
vmnic_tap_open(const char *name, const uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK), s;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		goto fail;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(s, SIOCSIFHWADDR, &ifr) != 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
		close(s);
		goto fail;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
		close(s);
		goto fail;
	}
	close(s);
	return fd;
fail:
	s = -errno;
	close(fd);
	return s;
}

static void
vmnic_usage(FILE *f)
{
	fprintf(f, "usage: vmnic --chan CHANNEL_FILE --tap IFNAME\n");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"chan", required_argument, NULL, 'c'},
		{"tap", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct vs_netvsp_guest_frame f;
	static uint8_t bufs[VMNIC_BATCH][VS_NETVSP_GUEST_FRAME_MAX];
	const char *chan = NULL, *tap = NULL;
	struct vs_netvsp_guest_opts go;
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest *g;
	struct pollfd pfd;
	int c, rc, fd;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			chan = optarg;
			break;
		case 't':
			tap = optarg;
			break;
		case 'h':
			vmnic_usage(stdout);
			return 0;
		default:
			vmnic_usage(stderr);
			return 2;
		}
	}
	if (chan == NULL || tap == NULL || optind != argc || strlen(tap) >= IFNAMSIZ) {
		vmnic_usage(stderr);
		return 2;
	}
	memset(&go, 0, sizeof(go));
	go.timeout_ms = 10000;
	rc = vs_netvsp_guest_open(chan, &go, &g);
	if (rc != 0) {
		fprintf(stderr, "vmnic: %s: cannot open the channel: %s\n", chan, strerror(-rc));
		return 1;
	}
	rc = vs_netvsp_guest_bringup(g);
	if (rc != 0) {
		fprintf(stderr, "vmnic: %s: bring-up failed: %s\n", chan, strerror(-rc));
		vs_netvsp_guest_close(g);
		return 1;
	}
	vs_netvsp_guest_stats(g, &st);
	fd = vmnic_tap_open(tap, st.mac);
	if (fd < 0) {
		fprintf(stderr, "vmnic: tap %s: %s\n", tap, strerror(-fd));
		vs_netvsp_guest_close(g);
		return 1;
	}
	signal(SIGINT, vmnic_on_signal);
	signal(SIGTERM, vmnic_on_signal);
	printf("vmnic: up %s nvsp 0x%x mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u tap %s\n", chan,
	       st.nvsp_version, st.mac[0], st.mac[1], st.mac[2], st.mac[3], st.mac[4], st.mac[5],
	       st.l3_mtu, tap);
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!vmnic_quit) {
		const void *frames[VMNIC_BATCH];
		uint32_t lens[VMNIC_BATCH], n = 0;
		ssize_t len;

		/* Guest -> switch: what the kernel sent out of the tap. */
		while (n < VMNIC_BATCH && (len = read(fd, bufs[n], sizeof(bufs[n]))) > 0) {
			frames[n] = bufs[n];
			lens[n++] = (uint32_t)len;
		}
		while (n > 0 && !vmnic_quit) {
			rc = vs_netvsp_guest_send(g, frames, lens, NULL, n, VS_GUEST_TX_SECTION);
			if (rc == 0)
				break;
			if (rc != -EAGAIN) {
				fprintf(stderr, "vmnic: send: %s\n", strerror(-rc));
				break;
			}
			vs_netvsp_guest_poll(g); /* completions free sections */
		}
		/* Switch -> guest: into the kernel through the tap. */
		vs_netvsp_guest_poll(g);
		while (vs_netvsp_guest_recv(g, &f) == 0) {
			if (f.vlan && f.len >= 12 && f.len + 4 <= sizeof(f.data)) {
				memmove(f.data + 16, f.data + 12, f.len - 12);
				f.data[12] = 0x81;
				f.data[13] = 0x00;
				f.data[14] = (uint8_t)(f.tci >> 8);
				f.data[15] = (uint8_t)f.tci;
				f.len += 4;
			}
			if (write(fd, f.data, f.len) < 0 && errno != EAGAIN)
				break;
		}
		poll(&pfd, 1, 1);
	}
	vs_netvsp_guest_close(g);
	close(fd);
	return 0;
}
