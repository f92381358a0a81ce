/*
 * vdev_bridge.c - the other end of a virtual link for the dataplane's tests:
 * a DPDK process with two ports, a capture (net_pcap: rx_pcap=IN,
 * tx_pcap=OUT) and the device under test's peer (e.g. net_memif,
 * role=client). It waits until the peer's link is up, then forwards every
 * frame of IN onto the link and every frame from the link into OUT, until
 * nothing has come from the link for --idle seconds after IN was sent.
 *
 *   vdev_bridge EAL_OPTIONS -- [--wait-link SECONDS] [--idle SECONDS] [--gap MS] [--hold SECONDS]
 *
 * --hold: after forwarding, stop polling, print the counts and keep the link
 * until the peer takes it down (or SECONDS pass, or a signal). DPDK 22.11's
 * net_memif unmaps a link's rings when the other side leaves without waiting
 * for a thread polling them, which can crash that thread: with --hold the
 * device under test leaves first, while nobody here polls.
 * --gap: pause between the frames of IN (a receiver polls; a burst of many
 * frames is not what the tests are about). Exit status: 0 after forwarding,
 * 1 when the link did not come up in time (or a port failed), 2 on usage.
 * One line of counts on stdout at the end.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define BURST 32

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int port_start(uint16_t port, struct rte_mempool *pool)
{
	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, (unsigned)rte_eth_dev_socket_id(port), NULL, pool) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, (unsigned)rte_eth_dev_socket_id(port), NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return -1;
	rte_eth_promiscuous_enable(port);
	return 0;
}

/* Send every frame, retrying while the queue is full (for at most a second). */
static unsigned send_all(uint16_t port, struct rte_mbuf **m, unsigned n)
{
	unsigned sent = 0;
	uint64_t give_up = rte_get_tsc_cycles() + rte_get_tsc_hz();
	while (sent < n && rte_get_tsc_cycles() < give_up)
		sent += rte_eth_tx_burst(port, 0, m + sent, (uint16_t)(n - sent));
	if (sent < n)
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	return sent;
}

int main(int argc, char **argv)
{
	int eal = rte_eal_init(argc, argv);
	if (eal < 0) {
		fprintf(stderr, "vdev_bridge: EAL start failed\n");
		return 2;
	}
	argc -= eal;
	argv += eal;
	double wait_link = 10, idle = 1.5;
	double hold = 0;
	unsigned gap_ms = 0;
	static const struct option opts[] = {
		{ "wait-link", required_argument, NULL, 'w' },
		{ "idle", required_argument, NULL, 'i' },
		{ "gap", required_argument, NULL, 'g' },
		{ "hold", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'w')
			wait_link = atof(optarg);
		else if (c == 'i')
			idle = atof(optarg);
		else if (c == 'g')
			gap_ms = (unsigned)atoi(optarg);
		else if (c == 'h')
			hold = atof(optarg);
		else
			return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	/* The capture is the net_pcap port, the link the other one. */
	uint16_t port, cap = RTE_MAX_ETHPORTS, link = RTE_MAX_ETHPORTS;
	RTE_ETH_FOREACH_DEV(port) {
		struct rte_eth_dev_info info;
		if (rte_eth_dev_info_get(port, &info) != 0)
			continue;
		if (strcmp(info.driver_name, "net_pcap") == 0)
			cap = port;
		else
			link = port;
	}
	if (cap == RTE_MAX_ETHPORTS || link == RTE_MAX_ETHPORTS) {
		fprintf(stderr, "vdev_bridge: needs a net_pcap port and one other port\n");
		return 2;
	}
	struct rte_mempool *pool = rte_pktmbuf_pool_create("bridge", 4095, 128, 0,
							   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!pool || port_start(cap, pool) != 0 || port_start(link, pool) != 0) {
		fprintf(stderr, "vdev_bridge: port set-up failed\n");
		return 1;
	}

	uint64_t hz = rte_get_tsc_hz(), deadline = rte_get_tsc_cycles() + (uint64_t)(wait_link * (double)hz);
	struct rte_eth_link state;
	memset(&state, 0, sizeof(state));
	while (!stop && rte_get_tsc_cycles() < deadline) {
		rte_eth_link_get_nowait(link, &state);
		if (state.link_status == RTE_ETH_LINK_UP)
			break;
		usleep(10000);
	}
	if (state.link_status != RTE_ETH_LINK_UP) {
		fprintf(stderr, "vdev_bridge: the link did not come up in %.1f s\n", wait_link);
		rte_eth_dev_stop(cap);
		rte_eth_dev_close(cap); /* writes OUT */
		return 1;
	}
	printf("vdev_bridge: link up\n");
	fflush(stdout);

	struct rte_mbuf *m[BURST];
	unsigned long in = 0, out = 0, lost = 0;
	bool sending = true;
	uint64_t last = rte_get_tsc_cycles();
	while (!stop) {
		if (sending) {
			uint16_t n = rte_eth_rx_burst(cap, 0, m, gap_ms ? 1 : BURST);
			if (n == 0) {
				sending = false;
				last = rte_get_tsc_cycles();
			} else {
				unsigned sent = send_all(link, m, n);
				in += sent;
				lost += n - sent;
				if (gap_ms)
					usleep(gap_ms * 1000u);
			}
		}
		uint16_t n = rte_eth_rx_burst(link, 0, m, BURST);
		if (n) {
			unsigned sent = send_all(cap, m, n);
			out += sent;
			lost += n - sent;
			last = rte_get_tsc_cycles();
		} else if (!sending && (double)(rte_get_tsc_cycles() - last) / (double)hz > idle) {
			break;
		}
	}
	printf("vdev_bridge: %lu frames onto the link, %lu from it, %lu lost\n", in, out, lost);
	fflush(stdout);
	for (uint64_t until = rte_get_tsc_cycles() + (uint64_t)(hold * (double)hz); !stop && rte_get_tsc_cycles() < until;
	     usleep(10000)) {
		rte_eth_link_get_nowait(link, &state);
		if (state.link_status != RTE_ETH_LINK_UP)
			break;
	}
	rte_eth_dev_stop(link);
	rte_eth_dev_close(link);
	rte_eth_dev_stop(cap);
	rte_eth_dev_close(cap);
	rte_eal_cleanup();
	return 0;
}
