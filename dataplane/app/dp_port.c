/*
 * dp_port.c - every DPDK port the EAL found (a NIC or a virtual device:
 * net_af_packet, net_pcap, net_null, net_ring, net_memif), one RX and one
 * TX queue per worker, RSS on the UDP 5-tuple where the port can, checksum
 * offloads where it has them, RX into 2 KB mbufs where the port can take
 * them (else 9 KB ones).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "dp.h"

#define DP_RX_DESC 1024u
#define DP_TX_DESC 1024u

/*
 * RX queue q into the worker's 2 KB mbufs where the port takes them: a NIC
 * that scatters a larger frame over several (the worker linearises it), a
 * device that chains (net_pcap, net_memif) or copies small frames (net_null).
 * A device that takes whole frames only refuses such a queue at set-up
 * (net_af_packet with frames larger than 2 KB); that queue gets 9 KB mbufs.
 * The refusal is expected, so the PMD's log of it is muted. net_pcap gets no
 * second try: with infinite_rx it reads its whole file into the queue at
 * set-up, and a second set-up finds the file read (frames above 2 KB: replay
 * them without infinite_rx, which chains).
 */
static int rx_queue_setup(struct dp *d, struct dp_port *p, const struct rte_eth_dev_info *info, uint16_t q,
			  uint16_t rxd, int socket, bool scatter)
{
	struct dp_worker *w = d->workers[q];
	bool retry = !scatter && strcmp(info->driver_name, "net_pcap") != 0;
	uint32_t level = rte_log_get_global_level();
	if (retry)
		rte_log_set_global_level(RTE_LOG_EMERG);
	int rc = rte_eth_rx_queue_setup(p->port_id, q, rxd, (unsigned)socket, NULL, dp_worker_rings(w)->pool);
	rte_log_set_global_level(level);
	if (rc == 0 || !retry)
		return rc;
	struct rte_mempool *big = dp_worker_rx_big_pool(w);
	if (!big)
		return -ENOMEM;
	p->rx_big = true;
	return rte_eth_rx_queue_setup(p->port_id, q, rxd, (unsigned)socket, NULL, big);
}

static int port_init(struct dp *d, struct dp_port *p)
{
	struct rte_eth_dev_info info;
	int rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0) {
		fprintf(stderr, "e911-dataplane: port %u: no device info (%s)\n", p->port_id, rte_strerror(-rc));
		return -1;
	}
	uint16_t q = (uint16_t)d->worker_count;
	if (info.max_rx_queues < q || info.max_tx_queues < q) {
		fprintf(stderr,
			"e911-dataplane: port %u (%s) has %u RX / %u TX queues; %u workers need %u of each "
			"(net_pcap: one rx_pcap/tx_pcap per worker; net_af_packet: qpairs=%u)\n",
			p->port_id, info.driver_name, info.max_rx_queues, info.max_tx_queues, q, q, q);
		return -1;
	}
	struct rte_eth_conf conf = { 0 };
	uint64_t rss = info.flow_type_rss_offloads & (RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV6_UDP |
						      RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6);
	if (q > 1 && rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = rss;
	}
	uint64_t rx_ck = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	uint64_t tx_ck = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	p->rx_cksum_offload = (info.rx_offload_capa & rx_ck) == rx_ck;
	p->tx_cksum_offload = (info.tx_offload_capa & tx_ck) == tx_ck;
	if (p->rx_cksum_offload)
		conf.rxmode.offloads |= rx_ck;
	if (p->tx_cksum_offload)
		conf.txmode.offloads |= tx_ck;
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	bool scatter = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
	if (scatter)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	rc = rte_eth_dev_configure(p->port_id, q, q, &conf);
	if (rc != 0) {
		fprintf(stderr, "e911-dataplane: port %u: configure failed (%s)\n", p->port_id, rte_strerror(-rc));
		return -1;
	}
	uint16_t rxd = DP_RX_DESC, txd = DP_TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &rxd, &txd);
	int socket = rte_eth_dev_socket_id(p->port_id);
	for (uint16_t i = 0; i < q; i++) {
		rc = rx_queue_setup(d, p, &info, i, rxd, socket, scatter);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(p->port_id, i, txd, (unsigned)socket, NULL);
		if (rc != 0) {
			fprintf(stderr, "e911-dataplane: port %u queue %u: set-up failed (%s)\n", p->port_id, i,
				rte_strerror(-rc));
			return -1;
		}
	}
	struct rte_ether_addr mac;
	rte_eth_macaddr_get(p->port_id, &mac);
	if (rte_is_zero_ether_addr(&mac)) {
		/* net_ring has none: frames from 00:00:00:00:00:00 would be nobody's, and our ARP,
		 * NS and echo answers refuse such an address. A random locally administered one. */
		rte_eth_random_addr(mac.addr_bytes);
		rte_eth_dev_default_mac_addr_set(p->port_id, &mac); /* may be unsupported: promiscuous */
	}
	memcpy(p->ifc.mac, mac.addr_bytes, 6);
	p->ifc.has_vlan = d->opt.vlan != 0;
	p->ifc.vlan_tci = d->opt.vlan;
	for (uint32_t i = 0; i < d->opt.proxy.self_count; i++) {
		const struct proxy_endpoint *ep = &d->opt.proxy.self[i].ep;
		if (ep->family == 4 && !p->ifc.has_ip4) {
			p->ifc.has_ip4 = 1;
			memcpy(p->ifc.ip4, ep->addr, 4);
		} else if (ep->family == 6 && !p->ifc.has_ip6) {
			p->ifc.has_ip6 = 1;
			memcpy(p->ifc.ip6, ep->addr, 16);
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc != 0) {
		fprintf(stderr, "e911-dataplane: port %u: start failed (%s)\n", p->port_id, rte_strerror(-rc));
		return -1;
	}
	rte_eth_promiscuous_enable(p->port_id); /* virtual devices; a NIC sees its own MAC anyway */
	printf("e911-dataplane: port %u (%s) %02x:%02x:%02x:%02x:%02x:%02x, %u queue pair(s)%s%s, %s RX mbufs\n",
	       p->port_id, info.driver_name, mac.addr_bytes[0], mac.addr_bytes[1], mac.addr_bytes[2],
	       mac.addr_bytes[3], mac.addr_bytes[4], mac.addr_bytes[5], q,
	       conf.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ? ", RSS" : "",
	       p->tx_cksum_offload ? ", checksum offload" : "", p->rx_big ? "9 KB" : "2 KB");
	return 0;
}

int dp_ports_init(struct dp *d)
{
	uint16_t port_id;
	d->port_count = 0;
	RTE_ETH_FOREACH_DEV(port_id) {
		if (d->port_count == DP_MAX_PORTS) {
			fprintf(stderr, "e911-dataplane: more than %u ports\n", DP_MAX_PORTS);
			return -1;
		}
		struct dp_port *p = &d->ports[d->port_count++];
		memset(p, 0, sizeof(*p));
		p->port_id = port_id;
		if (port_init(d, p) != 0)
			return -1;
	}
	if (d->port_count == 0) {
		fprintf(stderr, "e911-dataplane: no port: give a NIC, or a --vdev such as "
				"net_af_packet0,iface=eth0 or net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap\n");
		return -1;
	}
	return 0;
}

void dp_ports_close(struct dp *d)
{
	for (uint16_t i = 0; i < d->port_count; i++) {
		rte_eth_dev_stop(d->ports[i].port_id);
		rte_eth_dev_close(d->ports[i].port_id);
	}
}
