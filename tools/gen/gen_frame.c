/*
 * gen_frame.c - one SIP message as the frames a NIC would deliver: Ethernet
 * II (one 802.1Q tag at most), IPv4 or IPv6, UDP with its checksum over the
 * whole datagram; when the IP packet would exceed the MTU, IPv4 fragments
 * (same ID, offsets in 8-byte units, MF on all but the last) or IPv6
 * fragment headers (RFC 8200 §4.5), written in order. Frames shorter than
 * Ethernet's 60-byte minimum are padded with zeros, as on the wire.
 */
#include <string.h>

#include "gen.h"

#define ETH_LEN 14u
#define VLAN_LEN 4u
#define IP4_LEN 20u
#define IP6_LEN 40u
#define FRAG6_LEN 8u
#define UDP_LEN 8u
#define ETH_MIN 60u
#define PROTO_UDP 17u
#define PROTO_FRAG6 44u

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Ones' complement sum of big-endian 16-bit words (RFC 1071), not yet folded. */
static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The UDP datagram (header + payload) with its checksum over the pseudo-header. */
static uint32_t udp_build(const struct gen_msg *m, uint8_t *u)
{
	uint32_t len = UDP_LEN + m->len;
	unsigned alen = m->family == 6 ? 16 : 4;

	put16(u, m->sport);
	put16(u + 2, m->dport);
	put16(u + 4, len);
	put16(u + 6, 0);
	memcpy(u + UDP_LEN, m->text, m->len);
	uint32_t sum = sum16(m->src, alen, 0);
	sum = sum16(m->dst, alen, sum);
	sum += PROTO_UDP + (len & 0xffff) + (len >> 16);
	uint16_t c = fold(sum16(u, len, sum));
	put16(u + 6, c ? c : 0xffff); /* 0 would mean "no checksum" (RFC 768) */
	return len;
}

/* Ethernet (+ VLAN) header; returns its length. */
static uint32_t eth_build(const struct gen_config *cfg, int family, uint8_t *f)
{
	uint32_t n = 12;

	memcpy(f, cfg->proxy_mac, 6);
	memcpy(f + 6, cfg->sender_mac, 6);
	if (cfg->vlan >= 0) {
		put16(f + n, 0x8100);
		put16(f + n + 2, (uint32_t)cfg->vlan); /* PCP 0, DEI 0 */
		n += VLAN_LEN;
	}
	put16(f + n, family == 6 ? 0x86dd : 0x0800);
	return n + 2;
}

static void ip4_build(const struct gen_msg *m, uint8_t *ip, uint32_t payload, uint32_t id,
		      uint32_t frag_off8, bool more)
{
	memset(ip, 0, IP4_LEN);
	ip[0] = 0x45;
	put16(ip + 2, IP4_LEN + payload);
	put16(ip + 4, id & 0xffff);
	put16(ip + 6, (more ? 0x2000u : 0) | frag_off8);
	ip[8] = 64;
	ip[9] = PROTO_UDP;
	memcpy(ip + 12, m->src, 4);
	memcpy(ip + 16, m->dst, 4);
	put16(ip + 10, fold(sum16(ip, IP4_LEN, 0)));
}

static void ip6_build(const struct gen_msg *m, uint8_t *ip, uint32_t payload, uint8_t next)
{
	memset(ip, 0, IP6_LEN);
	ip[0] = 0x60;
	put16(ip + 4, payload);
	ip[6] = next;
	ip[7] = 64;
	memcpy(ip + 8, m->src, 16);
	memcpy(ip + 24, m->dst, 16);
}

int gen_frames_build(const struct gen_config *cfg, const struct gen_msg *m, uint32_t ip_id,
		     struct gen_frames *out)
{
	uint8_t dgram[UDP_LEN + GEN_MSG_MAX];
	const uint32_t ip_hdr = m->family == 6 ? IP6_LEN : IP4_LEN;

	if (m->len > GEN_MSG_MAX)
		return -1;
	uint32_t dlen = udp_build(m, dgram);
	out->n = 0;
	uint32_t pos = 0;

	if (ip_hdr + dlen <= cfg->mtu) {
		uint8_t *f = out->buf;
		uint32_t l3 = eth_build(cfg, m->family, f);
		if (m->family == 6)
			ip6_build(m, f + l3, dlen, PROTO_UDP);
		else
			ip4_build(m, f + l3, dlen, ip_id, 0, false);
		memcpy(f + l3 + ip_hdr, dgram, dlen);
		uint32_t flen = l3 + ip_hdr + dlen;
		if (flen < ETH_MIN) {
			memset(f + flen, 0, ETH_MIN - flen);
			flen = ETH_MIN;
		}
		out->off[0] = 0;
		out->len[0] = flen;
		out->n = 1;
		return 1;
	}
	/* Each fragment but the last carries a multiple of 8 bytes. */
	uint32_t per = (cfg->mtu - ip_hdr - (m->family == 6 ? FRAG6_LEN : 0)) & ~7u;
	for (uint32_t off = 0; off < dlen; off += per) {
		if (out->n == GEN_MAX_FRAMES)
			return -1;
		uint32_t chunk = dlen - off < per ? dlen - off : per;
		bool more = off + chunk < dlen;
		if (pos + ETH_LEN + VLAN_LEN + IP6_LEN + FRAG6_LEN + chunk + ETH_MIN > sizeof(out->buf))
			return -1;
		uint8_t *f = out->buf + pos;
		uint32_t l3 = eth_build(cfg, m->family, f);
		uint32_t hdr;
		if (m->family == 6) {
			uint8_t *fh = f + l3 + IP6_LEN;
			ip6_build(m, f + l3, FRAG6_LEN + chunk, PROTO_FRAG6);
			fh[0] = PROTO_UDP;
			fh[1] = 0;
			put16(fh + 2, off | (more ? 1u : 0));
			put32(fh + 4, ip_id);
			hdr = IP6_LEN + FRAG6_LEN;
		} else {
			ip4_build(m, f + l3, chunk, ip_id, off / 8, more);
			hdr = IP4_LEN;
		}
		memcpy(f + l3 + hdr, dgram + off, chunk);
		uint32_t flen = l3 + hdr + chunk;
		if (flen < ETH_MIN) {
			memset(f + flen, 0, ETH_MIN - flen);
			flen = ETH_MIN;
		}
		out->off[out->n] = pos;
		out->len[out->n] = flen;
		out->n++;
		pos += flen;
	}
	return (int)out->n;
}
