/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal DPDK telemetry client for the end-to-end tests, so that they
 * need no Python:
 *
 *   telemetry_query SOCKET COMMAND...
 *
 * connects to a DPDK process's telemetry socket (SOCK_SEQPACKET,
 * <runtime dir>/dpdk_telemetry.v2), reads the greeting, sends each command
 * and prints each JSON reply on its own line.  Exit status 0, or 1 with a
 * message if the socket cannot be reached.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* The largest reply DPDK's telemetry sends in one message. */
#define VS_TEL_BUF (16 * 1024)

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[VS_TEL_BUF];
	ssize_t n;
	int fd, i;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: telemetry_query SOCKET COMMAND...\n");
		return 2;
	}
	memcpy(sa.sun_path, argv[1], strlen(argv[1]) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "telemetry_query: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* The greeting: version, pid, max_output_len. */
	if (read(fd, buf, sizeof(buf)) <= 0) {
		fprintf(stderr, "telemetry_query: %s: no greeting\n", argv[1]);
		return 1;
	}
	for (i = 2; i < argc; i++) {
		if (write(fd, argv[i], strlen(argv[i])) < 0) {
			fprintf(stderr, "telemetry_query: send: %s\n", strerror(errno));
			return 1;
		}
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0) {
			fprintf(stderr, "telemetry_query: no reply to %s\n", argv[i]);
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
	}
	close(fd);
	return 0;
}
