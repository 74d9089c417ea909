/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire formats of the netVSC channel: the §6 channel header page, the VMBus
 * ring (ref §1), NVSP (ref §3), RNDIS (ref §4) and the NDIS objects carried in
 * RNDIS OIDs.  Little-endian, packed, byte for byte as the reference gives
 * them; every size and the offsets guests depend on are asserted below, and
 * the tests assert them again against byte vectors.  Shared by the host and
 * the guest simulator; nothing here touches memory.
 */
#ifndef VS_NETVSP_PROTO_PRIV_H
#define VS_NETVSP_PROTO_PRIV_H

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the wire formats are little-endian");

#define VS_PAGE 4096u

/* ---- channel header page (ARCHITECTURE §6) ----
 * Not packed: every field is naturally aligned (asserted), so the shared
 * words can be accessed atomically. */
#define VS_CHAN_MAGIC "VSCHAN01"
#define VS_CHAN_LAYOUT 1u
#define VS_CHAN_GPADLS 16u /* 32-byte entries */
enum { VS_HOST_NONE = 0, VS_HOST_OFFERED = 1, VS_HOST_RESCINDED = 2 };
enum { VS_GUEST_CLOSED = 0, VS_GUEST_OPEN = 1 };
/* A guest that has the channel open holds an open-file-description write
 * lock on the guest-state word (F_OFD_SETLK), the host one on the
 * host-state word for the life of the channel (chan_lock.c). */
#define VS_CHAN_LOCK_OFF 44
#define VS_CHAN_LOCK_LEN 4

struct vs_chan_gpadl {
	uint32_t handle;
	uint32_t flags; /* bit 0 valid */
	uint64_t offset;
	uint64_t length;
	uint64_t reserved;
};

struct vs_chan_hdr {
	char magic[8];
	uint32_t layout;
	uint32_t g2h_ring_size;
	uint32_t h2g_ring_size;
	uint32_t mtu;
	uint64_t arena_off;
	uint64_t arena_size;
	uint32_t host_state;
	uint32_t guest_state;
	uint8_t mac[6];
	uint8_t pad0[2];
	uint8_t instance[16];
	uint32_t subchannels; /* subchannel ring pairs in the file */
	uint32_t pad1;
	uint64_t gpa_base;
	uint32_t sub_offered; /* subchannels allocated by NVSP 133 (host) */
	uint32_t sub_open;    /* bit i: subchannel i open (guest) */
	uint32_t guest_session; /* a new nonzero value at every open, before the state */
	uint8_t pad2[28];
	struct vs_chan_gpadl gpadl[VS_CHAN_GPADLS];
};
_Static_assert(offsetof(struct vs_chan_hdr, host_state) == 40, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, mac) == 48, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, instance) == 56, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, subchannels) == 72, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, gpa_base) == 80, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, sub_offered) == 88, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, sub_open) == 92, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, guest_session) == 96, "§6");
_Static_assert(offsetof(struct vs_chan_hdr, gpadl) == 128, "§6");
_Static_assert(sizeof(struct vs_chan_hdr) == 128 + 16 * 32, "§6");
#define VS_GPADL_VALID 1u

/* ---- VMBus ring (ref §1.2, §1.4) ---- */
struct vmbus_ring_ctl {
	uint32_t write_index;
	uint32_t read_index;
	uint32_t interrupt_mask;
	uint32_t pending_send_sz;
	uint32_t reserved[12];
	uint32_t feature_bits;
	uint8_t pad[4028];
};
_Static_assert(offsetof(struct vmbus_ring_ctl, feature_bits) == 64, "ref §1.2");
_Static_assert(sizeof(struct vmbus_ring_ctl) == VS_PAGE, "ref §1.2");
#define VMBUS_FEAT_PENDING_SEND_SZ 1u

enum {
	VMBUS_PKT_INBAND = 0x6,
	VMBUS_PKT_XFER_PAGES = 0x7,
	VMBUS_PKT_GPA_DIRECT = 0x9,
	VMBUS_PKT_COMP = 0xb,
};
#define VMBUS_FLAG_RC 1u /* completion requested */

struct vmbus_desc {
	uint16_t type;
	uint16_t offset8;
	uint16_t len8;
	uint16_t flags;
	uint64_t tid;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_desc) == 16, "ref §1.4");

struct vmbus_xfer_range {
	uint32_t byte_count;
	uint32_t byte_offset;
} __attribute__((packed));

struct vmbus_xfer_hdr {
	struct vmbus_desc d;
	uint16_t set_id;
	uint8_t sender_owns;
	uint8_t reserved;
	uint32_t range_count;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_xfer_hdr) == 24, "ref §1.4");

struct vmbus_gpa_hdr {
	struct vmbus_desc d;
	uint32_t reserved;
	uint32_t range_count;
} __attribute__((packed));
_Static_assert(sizeof(struct vmbus_gpa_hdr) == 24, "ref §1.4");

struct vmbus_gpa_range { /* followed by pfn[k] */
	uint32_t byte_count;
	uint32_t byte_offset;
} __attribute__((packed));

/* ---- NVSP (ref §3) ---- */
#define NVSP_V1 0x00000002u
#define NVSP_V2 0x00030002u
#define NVSP_V4 0x00040000u
#define NVSP_V5 0x00050000u
#define NVSP_V6 0x00060000u
#define NVSP_V61 0x00060001u

enum {
	NVSP_INIT = 1,
	NVSP_INIT_COMPLETE = 2,
	NVSP_NDIS_VERSION = 100,
	NVSP_RECV_BUF = 101,
	NVSP_RECV_BUF_COMPLETE = 102,
	NVSP_REVOKE_RECV_BUF = 103,
	NVSP_SEND_BUF = 104,
	NVSP_SEND_BUF_COMPLETE = 105,
	NVSP_REVOKE_SEND_BUF = 106,
	NVSP_RNDIS_PKT = 107,
	NVSP_RNDIS_PKT_COMPLETE = 108,
	NVSP_NDIS_CONFIG = 125,
	NVSP_VF_ASSOCIATION = 128,
	NVSP_SWITCH_DATA_PATH = 129,
	NVSP_OID_QUERY_EX = 131,
	NVSP_SUBCHANNEL = 133,
	NVSP_INDIRECTION_TABLE = 134,
};

enum {
	NVSP_STAT_NONE = 0,
	NVSP_STAT_SUCCESS = 1,
	NVSP_STAT_FAILURE = 2,
};

#define NVSP_MSG_LEGACY 28u /* pre-6.1 message size; sent padded to 32 */
#define NVSP_MSG_V61 40u
#define NVSP_NO_SECTION 0xFFFFFFFFu
#define NVSP_RECV_BUF_ID 0xCAFEu /* ref §2.3: both guests register and check it */

struct nvsp_init {
	uint32_t type;
	uint32_t min_ver;
	uint32_t max_ver;
} __attribute__((packed));
struct nvsp_init_complete {
	uint32_t type;
	uint32_t negotiated;
	uint32_t max_mdl_chain;
	uint32_t status;
} __attribute__((packed));
struct nvsp_ndis_version {
	uint32_t type;
	uint32_t major;
	uint32_t minor;
} __attribute__((packed));
struct nvsp_ndis_config {
	uint32_t type;
	uint32_t mtu;
	uint32_t reserved;
	uint64_t caps;
} __attribute__((packed));
struct nvsp_buf {
	uint32_t type;
	uint32_t gpadl;
	uint16_t id;
} __attribute__((packed));
struct nvsp_recv_buf_complete {
	uint32_t type;
	uint32_t status;
	uint32_t num_sections;
	uint32_t offset;
	uint32_t sub_size;
	uint32_t num_sub;
	uint32_t end_offset;
} __attribute__((packed));
struct nvsp_revoke {
	uint32_t type;
	uint16_t id;
} __attribute__((packed));
struct nvsp_send_buf_complete {
	uint32_t type;
	uint32_t status;
	uint32_t section_size;
} __attribute__((packed));
struct nvsp_rndis_pkt {
	uint32_t type;
	uint32_t channel_type;
	uint32_t section_index;
	uint32_t section_size;
} __attribute__((packed));
struct nvsp_status {
	uint32_t type;
	uint32_t status;
} __attribute__((packed));
struct nvsp_subchannel {
	uint32_t type;
	uint32_t op_or_status;
	uint32_t count;
} __attribute__((packed));
_Static_assert(sizeof(struct nvsp_ndis_config) == 20, "ref §3.5");
_Static_assert(offsetof(struct nvsp_ndis_config, caps) == 12, "ref §3.5");
_Static_assert(sizeof(struct nvsp_buf) == 10, "ref §3.5");
_Static_assert(sizeof(struct nvsp_recv_buf_complete) == 28, "ref §3.5");
_Static_assert(sizeof(struct nvsp_rndis_pkt) == 16, "ref §3.5");
#define NVSP_CAP_SRIOV 0x4u
#define NVSP_CAP_8021Q 0x8u
#define NVSP_CAP_TEAMING 0x20u
#define NVSP_CAP_RSC 0x80u

/* ---- RNDIS (ref §4) ---- */
enum {
	RNDIS_PACKET = 0x1,
	RNDIS_INIT = 0x2,
	RNDIS_HALT = 0x3,
	RNDIS_QUERY = 0x4,
	RNDIS_SET = 0x5,
	RNDIS_RESET = 0x6,
	RNDIS_INDICATE = 0x7,
	RNDIS_KEEPALIVE = 0x8,
	RNDIS_SET_EX = 0x9,
};
#define RNDIS_CMPLT 0x80000000u

#define RNDIS_SUCCESS 0x00000000u
#define RNDIS_FAILURE 0xC0000001u
#define RNDIS_NOT_SUPPORTED 0xC00000BBu
#define RNDIS_BAD_VERSION 0xC0010004u
#define RNDIS_INVALID_LENGTH 0xC0010014u
#define RNDIS_INVALID_DATA 0xC0010015u
#define RNDIS_BUFFER_TOO_SHORT 0xC0010016u
#define RNDIS_MEDIA_CONNECT 0x4001000Bu
#define RNDIS_MEDIA_DISCONNECT 0x4001000Cu

struct rndis_hdr {
	uint32_t type;
	uint32_t len;
} __attribute__((packed));
struct rndis_init {
	struct rndis_hdr h;
	uint32_t rid;
	uint32_t major;
	uint32_t minor;
	uint32_t max_xfer;
} __attribute__((packed));
struct rndis_init_cmplt {
	struct rndis_hdr h;
	uint32_t rid;
	uint32_t status;
	uint32_t major;
	uint32_t minor;
	uint32_t dev_flags;
	uint32_t medium;
	uint32_t max_pkts;
	uint32_t max_xfer;
	uint32_t align_log2;
	uint32_t af_off;
	uint32_t af_size;
} __attribute__((packed));
struct rndis_req { /* HALT, KEEPALIVE, RESET (reserved instead of rid) */
	struct rndis_hdr h;
	uint32_t rid;
} __attribute__((packed));
struct rndis_query { /* also SET */
	struct rndis_hdr h;
	uint32_t rid;
	uint32_t oid;
	uint32_t info_len;
	uint32_t info_off;
	uint32_t vc_handle;
} __attribute__((packed));
struct rndis_query_cmplt {
	struct rndis_hdr h;
	uint32_t rid;
	uint32_t status;
	uint32_t info_len;
	uint32_t info_off;
} __attribute__((packed));
struct rndis_cmplt { /* SET_CMPLT, KEEPALIVE_CMPLT; RESET_CMPLT: status, addressing_reset */
	struct rndis_hdr h;
	uint32_t rid;
	uint32_t status;
} __attribute__((packed));
struct rndis_indicate {
	struct rndis_hdr h;
	uint32_t status;
	uint32_t buf_len;
	uint32_t buf_off;
} __attribute__((packed));
struct rndis_packet {
	struct rndis_hdr h;
	uint32_t data_off;
	uint32_t data_len;
	uint32_t oob_off;
	uint32_t oob_len;
	uint32_t oob_n;
	uint32_t ppi_off;
	uint32_t ppi_len;
	uint32_t vc_handle;
	uint32_t reserved;
} __attribute__((packed));
struct rndis_ppi {
	uint32_t size;
	uint32_t type;
	uint32_t off;
} __attribute__((packed));
_Static_assert(sizeof(struct rndis_init) == 24, "ref §4.3");
_Static_assert(sizeof(struct rndis_init_cmplt) == 52, "ref §4.3");
_Static_assert(sizeof(struct rndis_query) == 28, "ref §4.3");
_Static_assert(sizeof(struct rndis_query_cmplt) == 24, "ref §4.3");
_Static_assert(sizeof(struct rndis_indicate) == 20, "ref §4.3");
_Static_assert(sizeof(struct rndis_packet) == 44, "ref §4.3");
_Static_assert(sizeof(struct rndis_ppi) == 12, "ref §4.11");
/* Message-body offsets are relative to byte 8 (ref §4.3, §8.1). */
#define RNDIS_OFF_BASE 8u

enum {
	PPI_CSUM = 0,
	PPI_LSO = 2,
	PPI_VLAN = 6,
	PPI_HASH_VALUE = 8,
	PPI_HASH_INFO = 9,
};
/* checksum PPI, TX (guest asks) and RX (host reports) bits, ref §4.11 */
#define PPI_TXCSUM_IPV4 0x1u
#define PPI_TXCSUM_IPV6 0x2u
#define PPI_TXCSUM_TCP 0x4u
#define PPI_TXCSUM_UDP 0x8u
#define PPI_TXCSUM_IP 0x10u
#define PPI_RXCSUM_TCP_FAILED 0x1u
#define PPI_RXCSUM_UDP_FAILED 0x2u
#define PPI_RXCSUM_IP_FAILED 0x4u
#define PPI_RXCSUM_FAILED (PPI_RXCSUM_TCP_FAILED | PPI_RXCSUM_UDP_FAILED | PPI_RXCSUM_IP_FAILED)
#define PPI_RXCSUM_TCP_OK 0x8u
#define PPI_RXCSUM_UDP_OK 0x10u
#define PPI_RXCSUM_IP_OK 0x20u

/* RSC over VMBus (NVSP 6.1, ref §4.11): a coalesced frame larger than a
 * receive section travels as several RNDIS PACKETs, one per section, all
 * in one transfer-page packet, each with this "internal packet id" PPI
 * (type 1 with the internal bit 31): every fragment is sub-allocated,
 * the first and last say so, and all carry the same id.  Linux's
 * rndis_filter_receive_data reassembles them (rsc_add_data) and takes the
 * checksum, 802.1Q and hash info from the first. */
#define PPI_RSC_ID 0x80000001u
#define PPI_RSC_VERSION 1u
#define PPI_RSC_SUBALLOC 0x1u
#define PPI_RSC_FIRST 0x2u
#define PPI_RSC_LAST 0x4u
struct rndis_pktinfo_id {
	uint8_t version;
	uint8_t flags;
	uint16_t id;
} __attribute__((packed));
_Static_assert(sizeof(struct rndis_pktinfo_id) == 4, "ref §4.11");
/* Fragments Linux accepts in one coalesced frame (NVSP_RSC_MAX). */
#define NVSP_RSC_MAX 562u

/* OIDs, ref §4.5 */
#define OID_GEN_SUPPORTED_LIST 0x00010101u
#define OID_GEN_HARDWARE_STATUS 0x00010102u
#define OID_GEN_MEDIA_SUPPORTED 0x00010103u
#define OID_GEN_MEDIA_IN_USE 0x00010104u
#define OID_GEN_MAXIMUM_LOOKAHEAD 0x00010105u
#define OID_GEN_MAXIMUM_FRAME_SIZE 0x00010106u
#define OID_GEN_LINK_SPEED 0x00010107u
#define OID_GEN_TRANSMIT_BUFFER_SPACE 0x00010108u
#define OID_GEN_RECEIVE_BUFFER_SPACE 0x00010109u
#define OID_GEN_TRANSMIT_BLOCK_SIZE 0x0001010Au
#define OID_GEN_RECEIVE_BLOCK_SIZE 0x0001010Bu
#define OID_GEN_VENDOR_ID 0x0001010Cu
#define OID_GEN_VENDOR_DESCRIPTION 0x0001010Du
#define OID_GEN_CURRENT_PACKET_FILTER 0x0001010Eu
#define OID_GEN_CURRENT_LOOKAHEAD 0x0001010Fu
#define OID_GEN_DRIVER_VERSION 0x00010110u
#define OID_GEN_MAXIMUM_TOTAL_SIZE 0x00010111u
#define OID_GEN_MAC_OPTIONS 0x00010113u
#define OID_GEN_MEDIA_CONNECT_STATUS 0x00010114u
#define OID_GEN_MAXIMUM_SEND_PACKETS 0x00010115u
#define OID_GEN_VENDOR_DRIVER_VERSION 0x00010116u
#define OID_GEN_RSS_CAPS 0x00010203u
#define OID_GEN_RSS_PARAMS 0x00010204u
#define OID_GEN_RNDIS_CONFIG_PARAMETER 0x0001021Bu
#define OID_GEN_FRIENDLY_NAME 0x00020216u
#define OID_802_3_PERMANENT_ADDRESS 0x01010101u
#define OID_802_3_CURRENT_ADDRESS 0x01010102u
#define OID_802_3_MULTICAST_LIST 0x01010103u
#define OID_802_3_MAXIMUM_LIST_SIZE 0x01010104u
#define OID_802_3_MAC_OPTIONS 0x01010105u
#define OID_OFFLOAD_ENCAPSULATION 0x0101010Au
#define OID_TCP_OFFLOAD_CURRENT_CONFIG 0xFC01020Bu
#define OID_TCP_OFFLOAD_PARAMETERS 0xFC01020Cu
#define OID_TCP_OFFLOAD_HW_CAPS 0xFC01020Du

/* packet filter bits, ref §4.6 */
#define NDIS_FILTER_DIRECTED 0x01u
#define NDIS_FILTER_MULTICAST 0x02u
#define NDIS_FILTER_ALL_MULTICAST 0x04u
#define NDIS_FILTER_BROADCAST 0x08u
#define NDIS_FILTER_PROMISCUOUS 0x20u

struct ndis_obj_hdr {
	uint8_t type;
	uint8_t rev;
	uint16_t size;
} __attribute__((packed));
#define NDIS_OBJ_DEFAULT 0x80u
#define NDIS_OBJ_RSS_CAPS 0x88u
#define NDIS_OBJ_RSS_PARAMS 0x89u
#define NDIS_OBJ_OFFLOAD 0xA7u

/* NDIS_OFFLOAD_PARAMETERS, ref §4.7 (natural alignment, 28 with padding) */
struct ndis_offload_params {
	struct ndis_obj_hdr h;
	uint8_t ip4_csum, tcp4_csum, udp4_csum, tcp6_csum, udp6_csum;
	uint8_t lso_v1, ipsec_v1, lso_v2_ip4, lso_v2_ip6;
	uint8_t tcp_conn_ip4, tcp_conn_ip6;
	uint8_t pad;
	uint32_t flags;
	uint8_t ipsec_v2, ipsec_v2_ip4, rsc_ip4, rsc_ip6, encap, encap_types;
	uint8_t pad2[2];
} __attribute__((packed));
_Static_assert(offsetof(struct ndis_offload_params, lso_v2_ip6) == 12, "ref §4.7");
_Static_assert(offsetof(struct ndis_offload_params, flags) == 16, "ref §4.7");
_Static_assert(offsetof(struct ndis_offload_params, rsc_ip4) == 22, "ref §4.7");
_Static_assert(sizeof(struct ndis_offload_params) == 28, "ref §4.7");
/* rsc_ip4 / rsc_ip6 values (ref §4.7) */
#define NDIS_RSC_NO_CHANGE 0u
#define NDIS_RSC_OFF 1u
#define NDIS_RSC_ON 2u

/* NDIS_OFFLOAD, ref §4.8: byte offsets of the fields we fill */
#define NDIS_OFFLOAD_SIZE 156u
#define NDIS_OFFLOAD_IP4_TX_ENCAP 4
#define NDIS_OFFLOAD_IP4_TX_FLAGS 8
#define NDIS_OFFLOAD_IP4_RX_ENCAP 12
#define NDIS_OFFLOAD_IP4_RX_FLAGS 16
#define NDIS_OFFLOAD_IP6_TX_ENCAP 20
#define NDIS_OFFLOAD_IP6_TX_FLAGS 24
#define NDIS_OFFLOAD_IP6_RX_ENCAP 28
#define NDIS_OFFLOAD_IP6_RX_FLAGS 32
#define NDIS_OFFLOAD_LSO2_IP4_ENCAP 80
#define NDIS_OFFLOAD_LSO2_IP4_MAX 84
#define NDIS_OFFLOAD_LSO2_IP4_MINSEG 88
#define NDIS_OFFLOAD_LSO2_IP6_ENCAP 92
#define NDIS_OFFLOAD_LSO2_IP6_MAX 96
#define NDIS_OFFLOAD_LSO2_IP6_MINSEG 100
#define NDIS_OFFLOAD_LSO2_IP6_FLAGS 104
#define NDIS_OFFLOAD_RSC_IP4 144 /* u8, NDIS 6.30 (rev 3) objects only */
#define NDIS_OFFLOAD_RSC_IP6 145
#define NDIS_ENCAP_8023 2u
#define NDIS_LSO_MAX 62780u /* 0xF53C, ref §4.8 */

/* RSS capabilities, ref §4.9: exactly 18 bytes */
struct ndis_rss_caps {
	struct ndis_obj_hdr h;
	uint32_t caps;
	uint32_t n_msi;
	uint32_t n_rxq;
	uint16_t n_ind;
} __attribute__((packed));
_Static_assert(sizeof(struct ndis_rss_caps) == 18, "ref §4.9");

struct ndis_rss_params {
	struct ndis_obj_hdr h;
	uint16_t flags;
	uint16_t base_cpu;
	uint32_t hash_info;
	uint16_t table_size;
	uint16_t pad0;
	uint32_t table_off;
	uint16_t key_size;
	uint16_t pad1;
	uint32_t key_off;
	uint32_t cpu_mask_off, cpu_mask_n, cpu_mask_entry;
} __attribute__((packed));
_Static_assert(sizeof(struct ndis_rss_params) == 40, "ref §4.9");
#define NDIS_RSS_FLAG_HASH_UNCHANGED 0x02u
#define NDIS_RSS_FLAG_TABLE_UNCHANGED 0x04u
#define NDIS_RSS_FLAG_KEY_UNCHANGED 0x08u
#define NDIS_RSS_FLAG_DISABLE 0x10u
/* hash_information (ref §4.9): function in bits 0-7, then the types */
#define NDIS_HASH_FUNC_TOEPLITZ 0x01u
#define NDIS_HASH_FUNC_MASK 0xffu
#define NDIS_HASH_IPV4 0x100u
#define NDIS_HASH_TCP_IPV4 0x200u
#define NDIS_HASH_IPV6 0x400u
#define NDIS_HASH_IPV6_EX 0x800u
#define NDIS_HASH_TCP_IPV6 0x1000u
#define NDIS_HASH_TCP_IPV6_EX 0x2000u
#define NDIS_HASH_UDP_IPV4 0x4000u
#define NDIS_HASH_UDP_IPV6 0x8000u
#define NDIS_HASH_TYPES 0xff00u
#define NDIS_RSS_KEY_LEN 40u
#define NDIS_RSS_TABLE_MAX 128u /* entries */

struct ndis_config_param { /* ref §4.10 */
	uint32_t name_off;
	uint32_t name_len;
	uint32_t type;
	uint32_t value_off;
	uint32_t value_len;
} __attribute__((packed));

#endif
