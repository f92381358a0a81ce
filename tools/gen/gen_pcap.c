/*
 * gen_pcap.c - the pcap file: libpcap's own writer (pcap_dump) on a "dead"
 * Ethernet handle, so the file is what tcpdump and DPDK's net_pcap expect.
 * Timestamps are synthetic (a fixed start, 1/pps apart) so that the same
 * seed gives the same bytes; net_pcap replays by its own clock anyway.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "gen.h"

/* 2024-05-14T18:00:00Z, the day of the bundled sample messages. */
#define START_SEC 1715709600ull

struct gen_pcap {
	pcap_t *dead;
	pcap_dumper_t *dump;
	uint64_t pps;
	uint64_t frames;
};

struct gen_pcap *gen_pcap_open(const char *path, uint64_t pps, char *err, size_t errlen)
{
	struct gen_pcap *w = calloc(1, sizeof(*w));

	if (!w)
		return snprintf(err, errlen, "out of memory"), NULL;
	w->pps = pps ? pps : 1;
	w->dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!w->dead) {
		free(w);
		return snprintf(err, errlen, "pcap_open_dead failed"), NULL;
	}
	w->dump = pcap_dump_open(w->dead, path);
	if (!w->dump) {
		snprintf(err, errlen, "%s", pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

void gen_pcap_write(struct gen_pcap *w, const uint8_t *frame, uint32_t len)
{
	/* Frame i at START + i/pps, in whole microseconds. */
	uint64_t us = w->frames * 1000000u / w->pps;
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = (time_t)(START_SEC + us / 1000000u),
			.tv_usec = (suseconds_t)(us % 1000000u) },
		.caplen = len,
		.len = len,
	};

	pcap_dump((u_char *)w->dump, &h, frame);
	w->frames++;
}

int gen_pcap_close(struct gen_pcap *w, char *err, size_t errlen)
{
	int rc = 0;

	/* pcap_dump reports nothing; a full disk shows in the flush. */
	if (pcap_dump_flush(w->dump) != 0 || ferror(pcap_dump_file(w->dump))) {
		snprintf(err, errlen, "write failed");
		rc = -1;
	}
	pcap_dump_close(w->dump);
	pcap_close(w->dead);
	free(w);
	return rc;
}
