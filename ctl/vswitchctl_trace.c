/* SPDX-License-Identifier: BSD-3-Clause */
/* vswitchctl trace: the frame from a capture file, and the stage-by-stage
 * answer as a network engineer reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "vswitchctl_priv.h"

int
vs_trace_frame_from_pcap(cJSON *params)
{
	const cJSON *file = cJSON_GetObjectItemCaseSensitive(params, "pcap");
	const cJSON *index = cJSON_GetObjectItemCaseSensitive(params, "index");
	char errbuf[PCAP_ERRBUF_SIZE], *hex;
	struct pcap_pkthdr *h;
	const u_char *data;
	long want = index ? (long)index->valuedouble : 1, n = 0;
	pcap_t *pc;
	int rc;

	if (file == NULL) {
		if (index != NULL) {
			fprintf(stderr, "vswitchctl: trace: --index goes with --pcap\n");
			return -1;
		}
		if (!cJSON_HasObjectItem(params, "frame")) {
			fprintf(stderr, "vswitchctl: trace: give --frame HEX or --pcap FILE\n");
			return -1;
		}
		return 0;
	}
	if (cJSON_HasObjectItem(params, "frame") || want < 1) {
		fprintf(stderr, "vswitchctl: trace: --pcap takes --index N (1 or more), not --frame\n");
		return -1;
	}
	pc = pcap_open_offline(file->valuestring, errbuf);
	if (pc == NULL) {
		fprintf(stderr, "vswitchctl: trace: %s\n", errbuf);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		if (++n == want)
			break;
	if (rc != 1) {
		fprintf(stderr, "vswitchctl: trace: %s has %ld frame(s), no frame %ld\n",
			file->valuestring, n, want);
		pcap_close(pc);
		return -1;
	}
	hex = malloc(2 * (size_t)h->caplen + 1);
	if (hex == NULL) {
		pcap_close(pc);
		return -1;
	}
	for (bpf_u_int32 i = 0; i < h->caplen; i++)
		snprintf(hex + 2 * i, 3, "%02x", data[i]);
	hex[2 * h->caplen] = '\0';
	pcap_close(pc);
	cJSON_DeleteItemFromObjectCaseSensitive(params, "pcap");
	cJSON_DeleteItemFromObjectCaseSensitive(params, "index");
	cJSON_AddStringToObject(params, "frame", hex);
	free(hex);
	return 0;
}

static const char *
vs_s(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "-";
}

static double
vs_n(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* "src > dst, 802.1Q vid 10 pcp 3, type 0x0800, 10.0.0.1 > 10.0.0.2 proto 17" */
static void
vs_headers_text(const cJSON *h, char *out, size_t len)
{
	const cJSON *t;
	size_t off;

	if (cJSON_HasObjectItem(h, "error")) {
		snprintf(out, len, "%s", vs_s(h, "error"));
		return;
	}
	off = (size_t)snprintf(out, len, "%s > %s", vs_s(h, "src"), vs_s(h, "dst"));
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(h, "tags"))
		if (off < len)
			off += (size_t)snprintf(out + off, len - off, ", %s vid %.0f pcp %.0f%s",
						vs_s(t, "tpid"), vs_n(t, "vid"), vs_n(t, "pcp"),
						vs_n(t, "dei") ? " dei" : "");
	if (off < len)
		off += (size_t)snprintf(out + off, len - off, ", type 0x%04x",
					(unsigned int)vs_n(h, "ethertype"));
	if (off < len && cJSON_HasObjectItem(h, "ip_src"))
		snprintf(out + off, len - off, ", %s > %s proto %.0f", vs_s(h, "ip_src"),
			 vs_s(h, "ip_dst"), vs_n(h, "ip_proto"));
}

void
vs_print_trace(const cJSON *r)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "vlan"), *e;
	char text[512];

	vs_headers_text(cJSON_GetObjectItemCaseSensitive(r, "headers"), text, sizeof(text));
	printf("frame     %.0f bytes on %s: %s\n", vs_n(r, "len"), vs_s(r, "port"), text);
	if (v != NULL)
		printf("vlan      VLAN %.0f, pcp %.0f%s\n", vs_n(v, "vlan"), vs_n(v, "pcp"),
		       vs_n(v, "dei") ? ", dei" : "");
	else
		printf("vlan      not reached\n");
	printf("learn     %s\n", vs_s(r, "learn"));
	printf("lookup    %s\n", vs_s(r, "lookup"));
	printf("verdict   %s\n", vs_s(r, "verdict"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "egress")) {
		vs_headers_text(cJSON_GetObjectItemCaseSensitive(e, "headers"), text, sizeof(text));
		printf("egress    %-16s %-6s %5.0f bytes: %s\n", vs_s(e, "port"), vs_s(e, "encap"),
		       vs_n(e, "len"), text);
	}
}
