/*
 * e911-blast - the packet-rate benchmark's sender and sink
 * (tools/bench/packet-bench.sh). The sender replays the SIP payloads of a
 * pcap (e911-gen-pcap's, written unfragmented with --mtu 9000) as UDP
 * datagrams to one address, as fast as sendmmsg goes or at a given rate,
 * for a given time; the sink counts the datagrams that reach a port. Both
 * print one line: "sent N in S s: R/s" / "received N in S s: R/s".
 *
 *   e911-blast send PCAP SRC_IP DST_IP:PORT SECONDS [RATE]
 *   e911-blast sink IP:PORT SECONDS
 *
 * Why our own: tcpreplay replays frames to an interface (the proxy's MAC and
 * checksums fixed in the file) and cannot aim the same payloads at the
 * kernel's UDP socket of Kamailio and at the dataplane alike; sipp cannot
 * reach these rates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int addr(const char *text, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strchr(text, ':');
	size_t n = colon ? (size_t)(colon - text) : strlen(text);
	if (n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	*sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(colon ? (uint16_t)atoi(colon + 1) : 0) };
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

struct payload {
	unsigned char *p;
	size_t len;
};

/* The UDP payloads of the pcap's unfragmented IPv4 datagrams. */
static struct payload *load(const char *path, size_t *count)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	if (!pc) {
		fprintf(stderr, "e911-blast: %s: %s\n", path, err);
		return NULL;
	}
	struct payload *list = NULL;
	size_t n = 0, cap = 0;
	struct pcap_pkthdr *h;
	const unsigned char *f;
	while (pcap_next_ex(pc, &h, &f) == 1) {
		size_t off = 14;
		if (h->caplen >= 18 && f[12] == 0x81 && f[13] == 0x00)
			off = 18; /* 802.1Q */
		if (h->caplen < off + 28 || f[off - 2] != 0x08 || f[off - 1] != 0x00 || (f[off] >> 4) != 4 || f[off + 9] != 17)
			continue;
		size_t ihl = (size_t)(f[off] & 15) * 4;
		if ((f[off + 6] & 0x3f) || f[off + 7]) /* a fragment: not ours to rebuild */
			continue;
		size_t udp = off + ihl, len = (size_t)((f[udp + 4] << 8) | f[udp + 5]);
		if (len < 8 || udp + len > h->caplen)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			list = realloc(list, cap * sizeof(*list));
		}
		list[n].len = len - 8;
		list[n].p = malloc(len - 8);
		memcpy(list[n].p, f + udp + 8, len - 8);
		n++;
	}
	pcap_close(pc);
	*count = n;
	return list;
}

static int send_mode(int argc, char **argv)
{
	if (argc < 6)
		return 2;
	size_t count;
	struct payload *list = load(argv[2], &count);
	struct sockaddr_in src, dst;
	if (!list || !count || addr(argv[3], &src) || addr(argv[4], &dst)) {
		fprintf(stderr, "e911-blast: nothing to send, or a bad address\n");
		return 2;
	}
	double seconds = atof(argv[5]), rate = argc > 6 ? atof(argv[6]) : 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	src.sin_port = htons(5060);
	int big = 8 << 20;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0) {
		fprintf(stderr, "e911-blast: bind %s: %s\n", argv[3], strerror(errno));
		return 2;
	}
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0;
	size_t next = 0;
	double t0 = now(), end = t0 + seconds;
	while (now() < end) {
		if (rate > 0 && (double)sent > (now() - t0) * rate) {
			usleep(100);
			continue;
		}
		for (int i = 0; i < BATCH; i++) {
			size_t idx = (next + (size_t)i) % count;
			iov[i] = (struct iovec){ list[idx].p, list[idx].len };
			msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &dst, .msg_namelen = sizeof(dst),
								.msg_iov = &iov[i], .msg_iovlen = 1 } };
		}
		int k = sendmmsg(fd, msgs, BATCH, 0);
		if (k > 0) {
			sent += (unsigned long long)k;
			next = (next + (size_t)k) % count;
		}
	}
	double t = now() - t0;
	printf("sent %llu in %.2f s: %.0f/s\n", sent, t, (double)sent / t);
	return 0;
}

static int sink_mode(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	struct sockaddr_in at;
	if (addr(argv[2], &at))
		return 2;
	double seconds = atof(argv[3]);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 16 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(fd, (struct sockaddr *)&at, sizeof(at)) != 0) {
		fprintf(stderr, "e911-blast: bind %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	struct timeval tv = { 0, 100000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	static char bufs[BATCH][9000];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	unsigned long long got = 0;
	double t0 = now(), end = t0 + seconds;
	while (now() < end) {
		int k = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (k > 0)
			got += (unsigned long long)k;
	}
	printf("received %llu in %.2f s: %.0f/s\n", got, seconds, (double)got / seconds);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 2;
	if (argc > 1 && !strcmp(argv[1], "send"))
		rc = send_mode(argc, argv);
	else if (argc > 1 && !strcmp(argv[1], "sink"))
		rc = sink_mode(argc, argv);
	if (rc == 2)
		fprintf(stderr, "usage: e911-blast send PCAP SRC_IP DST_IP:PORT SECONDS [RATE]\n"
				"       e911-blast sink IP:PORT SECONDS\n");
	return rc;
}
