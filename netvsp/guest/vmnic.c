/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmnic: a simulated synthetic NIC bridged to a tap, so that a real kernel
 * network stack (in a namespace, say) sits behind a netVSC channel.
 *
 *   vmnic --chan <rundir>/chan/<port> --tap IFNAME [--no-offload]
 *
 * It opens the channel as Linux's hv_netvsc would (the guest simulator),
 * creates the tap with the NIC's MAC, and moves frames both ways until
 * SIGINT or SIGTERM, when it tears the channel down as a guest does, or
 * until the host rescinds the channel (the port was deleted, or vswitchd
 * restarted after a crash: a new vmnic takes the new channel).  The
 * tap can be moved into a namespace afterwards (`ip link set IF netns NS`):
 * the file descriptor keeps working.  Prints "vmnic: up ..." once the
 * channel is up and the tap exists.
 *
 * Offloads, as hv_netvsc offers them to its stack: the tap has IFF_VNET_HDR
 * with checksum and TSO (TUN_F_CSUM, TSO4, TSO6), so the kernel hands over
 * TCP superframes up to 64 KB and frames whose L4 checksum is left to the
 * NIC; each goes to the switch with the per-packet info hv_netvsc would
 * write (ref §4.11): LSOv2 (MSS, TCP header offset, IPv6 bit) with the IPv4
 * total length or IPv6 payload length zeroed as Linux does, or a checksum
 * request (IPv4/IPv6, TCP/UDP, L4 offset).  Superframes travel GPA-direct,
 * MTU-sized frames through send sections.  Frames from the switch whose
 * checksum per-packet info says UDP good reach the stack marked valid
 * (VIRTIO_NET_HDR_F_DATA_VALID).  TCP ones, whose checksum the switch may
 * have left to the sender's NIC (a superframe passed whole), go in as
 * CHECKSUM_PARTIAL (VIRTIO_NET_HDR_F_NEEDS_CSUM, the pseudo-header sum in
 * the checksum field): what a kernel trusts on receive as hv_netvsc's
 * CHECKSUM_UNNECESSARY, and finishes should it forward the frame.  RSC:
 * the NIC takes coalesced TCP frames of up to 64 KB (the guest simulator
 * reassembles them); one reaches the stack as a single GSO segment
 * (VIRTIO_NET_HDR_GSO_TCPV4/6) whose gso_size is the MSS the NIC's MTU
 * allows with these headers, the segment size a sender on this link uses,
 * so that the stack's receive-MSS estimate and ACKs stay what they would
 * be for the segments (hv_netvsc sets no gso_size; a tap's frames need one
 * to count as several segments).  --no-offload: a plain tap, frames
 * MTU-sized and checksummed by the kernel, no per-packet info either way,
 * RSC refused.
 * A frame the switch delivers with 802.1Q per-packet info gets its tag back
 * in the frame, as hv_netvsc hands it to the stack.  One whose checksum
 * per-packet info says a checksum failed (the ingress NIC found it wrong)
 * is dropped, as Windows' NDIS stack does, and counted (printed on exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if_arp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "guest.h"

#define VMNIC_BATCH 32
#define VMNIC_VNET_HDR ((uint32_t)sizeof(struct virtio_net_hdr))
#define VMNIC_FRAME_MAX (65535u + 14u + 4u) /* a superframe, one tag */
#define VMNIC_SECTION_MAX 1518u             /* larger: GPA-direct */
/* hv_netvsc's NETVSC_GSO_MAX_SIZE: a superframe and its Ethernet header
 * stay within the host's LSO maximum (62780, ref §4.8). */
#define VMNIC_GSO_MAX 62768u

/* Per-packet info values (ref §4.11). */
#define VMNIC_CSUM_IPV4 0x1u
#define VMNIC_CSUM_IPV6 0x2u
#define VMNIC_CSUM_TCP 0x4u
#define VMNIC_CSUM_UDP 0x8u
#define VMNIC_RXCSUM_FAILED 0x7u /* TCP, UDP or IP checksum failed */
#define VMNIC_RXCSUM_TCP_OK 0x8u
#define VMNIC_RXCSUM_UDP_OK 0x10u

static volatile sig_atomic_t vmnic_quit;

static void
vmnic_on_signal(int sig)
{
	(void)sig;
	vmnic_quit = 1;
}

/* Superframes no larger than the host takes, as hv_netvsc tells its stack
 * (IFLA_GSO_MAX_SIZE; libnl has no setter for it). */
static int
vmnic_gso_max(const char *ifname)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK);
	int rc = -ENOMEM;

	ifi.ifi_index = (int)if_nametoindex(ifname);
	if (sk != NULL && msg != NULL && ifi.ifi_index > 0 &&
	    (rc = nl_connect(sk, NETLINK_ROUTE)) == 0 &&
	    (rc = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO)) == 0 &&
	    (rc = nla_put_u32(msg, IFLA_GSO_MAX_SIZE, VMNIC_GSO_MAX)) == 0 &&
	    (rc = nl_send_auto(sk, msg)) >= 0)
		rc = nl_wait_for_ack(sk);
	nlmsg_free(msg);
	nl_socket_free(sk);
	return rc;
}

/* A tap this process holds, with the NIC's MAC, up; offload: with the
 * virtio-net header and the kernel allowed to leave checksums and TCP
 * segmentation to us. */
static int
vmnic_tap_open(const char *name, const uint8_t mac[6], bool offload)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK), s;
	int hdr = (int)VMNIC_VNET_HDR;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0)
		goto fail;
	if (offload && (ioctl(fd, TUNSETVNETHDRSZ, &hdr) != 0 ||
			ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) != 0))
		goto fail;
	if (offload && vmnic_gso_max(ifr.ifr_name) != 0) {
		errno = EPROTO;
		goto fail;
	}
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
	fprintf(f, "usage: vmnic --chan CHANNEL_FILE --tap IFNAME [--no-offload]\n");
}

static uint16_t
vmnic_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* What hv_netvsc puts in the per-packet info of a frame the stack handed
 * over with a virtio-net header; false for one it would not send (a
 * header that does not fit the frame). */
static bool
vmnic_tx_ppi(const struct virtio_net_hdr *h, uint8_t *f, uint32_t len,
	     struct vs_netvsp_guest_ppi *pp)
{
	uint32_t l2 = 14, start = h->csum_start;
	uint16_t et;
	bool v6;

	memset(pp, 0, sizeof(*pp));
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && h->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return true;
	if (len < l2 + 28) /* IPv4 and UDP headers at least */
		return false;
	et = vmnic_be16(f + 12);
	if (et == 0x8100) {
		l2 += 4;
		et = vmnic_be16(f + 16);
	}
	if (et != 0x0800 && et != 0x86dd)
		return false;
	v6 = et == 0x86dd;
	/* The L4 header must be there: 20 bytes for TCP (checksum at 16, and
	 * every segmentation), 8 for UDP (at 6) — a 4-byte datagram is valid. */
	if (start < l2 + (v6 ? 40u : 20u) ||
	    start + (h->gso_type == VIRTIO_NET_HDR_GSO_NONE && h->csum_offset == 6 ? 8u : 20u) >
		    len ||
	    start > 0x3ff)
		return false;
	if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV4 ||
	    (h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) == VIRTIO_NET_HDR_GSO_TCPV6) {
		if (h->gso_size == 0)
			return false;
		pp->lso = true;
		pp->lso_info = h->gso_size | start << 20 | 1u << 30 | (v6 ? 1u << 31 : 0);
		/* As netvsc_xmit: the host writes each segment's length. */
		if (v6) {
			f[l2 + 4] = f[l2 + 5] = 0;
		} else {
			f[l2 + 2] = f[l2 + 3] = 0;
			f[l2 + 10] = f[l2 + 11] = 0;
		}
		return true;
	}
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return false; /* UDP segmentation was never offered */
	pp->csum = true;
	pp->csum_info = (v6 ? VMNIC_CSUM_IPV6 : VMNIC_CSUM_IPV4) |
			(h->csum_offset == 16 ? VMNIC_CSUM_TCP : VMNIC_CSUM_UDP) | start << 16;
	return h->csum_offset == 16 || h->csum_offset == 6;
}

/* Sends what was read, in order: MTU-sized frames batched through send
 * sections, superframes one by one GPA-direct. */
static void
vmnic_send(struct vs_netvsp_guest *g, const void **frames, uint32_t *lens,
	   struct vs_netvsp_guest_ppi *ppis, uint32_t n, const struct vs_netvsp_guest_stats *st)
{
	uint32_t i = 0, max_pkts = st->max_pkts ? st->max_pkts : 1;

	while (i < n && !vmnic_quit) {
		uint32_t k = i, bytes = 0;
		enum vs_netvsp_guest_path path = lens[i] > VMNIC_SECTION_MAX ? VS_GUEST_TX_GPA
									       : VS_GUEST_TX_SECTION;
		int rc;

		/* A section holds what fits in it (each frame with its RNDIS
		 * header and info room), at most what the host takes in one
		 * message. */
		while (k < n && (lens[k] > VMNIC_SECTION_MAX) == (path == VS_GUEST_TX_GPA)) {
			if (path == VS_GUEST_TX_SECTION) {
				bytes += 44 + 64 + lens[k];
				if (k > i && (k - i == max_pkts || bytes > st->section_size))
					break;
			}
			k++;
		}
		rc = vs_netvsp_guest_send(g, frames + i, lens + i, ppis + i, k - i, path);
		if (rc == 0) {
			i = k;
		} else if (rc > 0) { /* part-way: the rest again */
			i += (uint32_t)rc;
		} else if (rc == -EAGAIN) {
			/* A rescinded channel completes nothing more. */
			if (vs_netvsp_guest_rescinded(g))
				return;
			vs_netvsp_guest_poll(g); /* completions free sections and slots */
		} else {
			fprintf(stderr, "vmnic: send: %s\n", strerror(-rc));
			i = k; /* the stack retransmits */
		}
	}
}

/* A TCP frame the NIC says is good: CHECKSUM_PARTIAL with the
 * pseudo-header sum seeded, and, coalesced beyond one segment, GSO.  False
 * for a frame that is not TCP over IPv4/IPv6 as expected (left as it is). */
static bool
vmnic_rx_tcp(struct virtio_net_hdr *h, uint8_t *f, uint32_t len, uint32_t l3_mtu)
{
	uint32_t l2 = 14, l3, l4, sum = 0, tcp_len;
	uint16_t et = len >= 14 ? vmnic_be16(f + 12) : 0;
	bool v6;

	if (et == 0x8100 && len >= 18) {
		l2 = 18;
		et = vmnic_be16(f + 16);
	}
	if ((et != 0x0800 && et != 0x86dd) || len < l2 + 40)
		return false;
	v6 = et == 0x86dd;
	if (v6) {
		if ((f[l2] >> 4) != 6 || f[l2 + 6] != 6 || len < l2 + 60)
			return false;
		l3 = 40;
		for (uint32_t i = 8; i < 40; i += 2)
			sum += vmnic_be16(f + l2 + i);
	} else {
		if ((f[l2] >> 4) != 4 || f[l2 + 9] != 6 || (f[l2] & 0xf) < 5)
			return false;
		l3 = (f[l2] & 0xfu) * 4;
		for (uint32_t i = 12; i < 20; i += 2)
			sum += vmnic_be16(f + l2 + i);
	}
	if (len < l2 + l3 + 20 || (f[l2 + l3 + 12] >> 4) < 5 ||
	    len < l2 + l3 + (f[l2 + l3 + 12] >> 4) * 4u)
		return false;
	l4 = (f[l2 + l3 + 12] >> 4) * 4u;
	tcp_len = len - l2 - l3;
	sum += 6 + (tcp_len >> 16) + (tcp_len & 0xffff);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f[l2 + l3 + 16] = (uint8_t)(sum >> 8);
	f[l2 + l3 + 17] = (uint8_t)sum;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = (uint16_t)(l2 + l3);
	h->csum_offset = 16;
	if (l3_mtu > l3 + l4 && tcp_len - l4 > l3_mtu - l3 - l4) {
		h->gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
		h->gso_size = (uint16_t)(l3_mtu - l3 - l4);
		h->hdr_len = (uint16_t)(l2 + l3 + l4);
	}
	return true;
}

/* One received frame into the stack, with its tag back in the data;
 * false if it was dropped for a failed checksum. */
static bool
vmnic_deliver(int fd, bool offload, struct vs_netvsp_guest_frame *f, uint8_t *out,
	      uint32_t l3_mtu)
{
	struct virtio_net_hdr h = {0};
	uint32_t hl = offload ? VMNIC_VNET_HDR : 0, len = f->len;

	if (f->csum && (f->csum_info & VMNIC_RXCSUM_FAILED))
		return false;

	if (f->vlan && len >= 12 && len + 4 <= sizeof(f->data)) {
		memmove(f->data + 16, f->data + 12, len - 12);
		f->data[12] = 0x81;
		f->data[13] = 0x00;
		f->data[14] = (uint8_t)(f->tci >> 8);
		f->data[15] = (uint8_t)f->tci;
		len += 4;
	}
	if (offload && f->csum && (f->csum_info & VMNIC_RXCSUM_TCP_OK))
		(void)vmnic_rx_tcp(&h, f->data, len, l3_mtu);
	else if (offload && f->csum && (f->csum_info & VMNIC_RXCSUM_UDP_OK))
		h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	memcpy(out, &h, hl);
	memcpy(out + hl, f->data, len);
	if (write(fd, out, hl + len) < 0 && errno != EAGAIN)
		fprintf(stderr, "vmnic: tap write: %s\n", strerror(errno));
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"chan", required_argument, NULL, 'c'},
		{"tap", required_argument, NULL, 't'},
		{"no-offload", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct vs_netvsp_guest_frame f;
	static uint8_t bufs[VMNIC_BATCH][VMNIC_VNET_HDR + VMNIC_FRAME_MAX];
	static uint8_t out[VMNIC_VNET_HDR + VS_NETVSP_GUEST_FRAME_MAX + 4];
	const char *chan = NULL, *tap = NULL;
	struct vs_netvsp_guest_opts go;
	struct vs_netvsp_guest_stats st;
	struct vs_netvsp_guest *g;
	struct pollfd pfd;
	bool offload = true;
	uint64_t bad = 0, csum_failed = 0;
	int c, rc, fd;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			chan = optarg;
			break;
		case 't':
			tap = optarg;
			break;
		case 'n':
			offload = false;
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
	go.no_rsc = !offload; /* a plain tap cannot say a frame is coalesced */
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
	fd = vmnic_tap_open(tap, st.mac, offload);
	if (fd < 0) {
		fprintf(stderr, "vmnic: tap %s: %s\n", tap, strerror(-fd));
		vs_netvsp_guest_close(g);
		return 1;
	}
	signal(SIGINT, vmnic_on_signal);
	signal(SIGTERM, vmnic_on_signal);
	printf("vmnic: up %s nvsp 0x%x mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u tap %s offload %s "
	       "rsc %s\n",
	       chan, st.nvsp_version, st.mac[0], st.mac[1], st.mac[2], st.mac[3], st.mac[4],
	       st.mac[5], st.l3_mtu, tap, offload ? "on" : "off", st.rsc ? "on" : "off");
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!vmnic_quit) {
		const void *frames[VMNIC_BATCH];
		uint32_t lens[VMNIC_BATCH], n = 0, hl = offload ? VMNIC_VNET_HDR : 0;
		struct vs_netvsp_guest_ppi ppis[VMNIC_BATCH];
		ssize_t len;

		/* Guest -> switch: what the kernel sent out of the tap. */
		while (n < VMNIC_BATCH && (len = read(fd, bufs[n], sizeof(bufs[n]))) > (ssize_t)hl) {
			struct virtio_net_hdr h = {0};

			if (offload)
				memcpy(&h, bufs[n], sizeof(h));
			if (!vmnic_tx_ppi(&h, bufs[n] + hl, (uint32_t)len - hl, &ppis[n])) {
				bad++;
				continue;
			}
			frames[n] = bufs[n] + hl;
			lens[n++] = (uint32_t)len - hl;
		}
		vmnic_send(g, frames, lens, ppis, n, &st);
		/* Switch -> guest: into the kernel through the tap. */
		vs_netvsp_guest_poll(g);
		while (vs_netvsp_guest_recv(g, &f) == 0)
			csum_failed += !vmnic_deliver(fd, offload, &f, out, st.l3_mtu);
		poll(&pfd, 1, 1);
		if (vs_netvsp_guest_rescinded(g)) {
			/* As hv_netvsc: the NIC goes away with its channel. */
			printf("vmnic: %s: channel rescinded, NIC removed\n", chan);
			break;
		}
	}
	if (bad > 0)
		fprintf(stderr, "vmnic: %llu frames from the stack with offload requests hv_netvsc "
				"would not send\n",
			(unsigned long long)bad);
	if (csum_failed > 0)
		fprintf(stderr, "vmnic: %llu frames from the switch dropped: checksum failed\n",
			(unsigned long long)csum_failed);
	vs_netvsp_guest_close(g);
	close(fd);
	return 0;
}
