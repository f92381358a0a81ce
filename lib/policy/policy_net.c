/*
 * policy_net.c - IP literals and subnets of the configuration: gateway
 * addresses and site subnets are IP literals only (the dataplane does no
 * DNS), and a subnet's host bits must be zero, because "198.18.1.1/24" is
 * more likely a typo than a wish.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "policy_internal.h"

int net_parse_ip(const char *text, uint8_t *family, uint8_t address[16])
{
	memset(address, 0, 16);
	if (strchr(text, ':') != NULL) {
		*family = E911_IPV6;
		return inet_pton(AF_INET6, text, address) == 1 ? 0 : -EINVAL;
	}
	*family = E911_IPV4;
	return inet_pton(AF_INET, text, address) == 1 ? 0 : -EINVAL;
}

const char *net_ntop(uint8_t family, const uint8_t address[16], char *buf, size_t len)
{
	return inet_ntop(family == E911_IPV6 ? AF_INET6 : AF_INET, address, buf, (socklen_t)len);
}

int net_parse_subnet(const char *text, struct e911_subnet *out, char *why, size_t whylen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	unsigned long len;
	char *end;
	uint32_t max, keep;
	bool host_bits = false;
	size_t n;

	if (slash == NULL) {
		snprintf(why, whylen, "has no prefix length (a single host is /32 or /128)");
		return -EINVAL;
	}
	n = (size_t)(slash - text);
	if (n < sizeof(addr)) {
		memcpy(addr, text, n);
		addr[n] = '\0';
	}
	if (n >= sizeof(addr) || net_parse_ip(addr, &out->family, out->address) < 0) {
		snprintf(why, whylen, "is not an IPv4 or IPv6 address with a prefix length");
		return -EINVAL;
	}
	max = out->family == E911_IPV6 ? 128 : 32;
	if (slash[1] < '0' || slash[1] > '9' || (slash[1] == '0' && slash[2] != '\0')) {
		snprintf(why, whylen, "has no valid prefix length after the /");
		return -EINVAL;
	}
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || errno != 0 || len > max) {
		snprintf(why, whylen, "has a prefix length that is not 0 to %u", max);
		return -EINVAL;
	}
	out->prefix_len = (uint8_t)len;
	for (uint32_t bit = (uint32_t)len; bit < max; bit++)
		if (out->address[bit / 8] & (0x80u >> (bit % 8)))
			host_bits = true;
	if (host_bits) {
		for (uint32_t i = 0; i < 16; i++) {
			keep = (uint32_t)len > 8 * i ? (uint32_t)len - 8 * i : 0;
			if (keep < 8)
				out->address[i] &= (uint8_t)(0xff00u >> keep);
		}
		snprintf(why, whylen, "has host bits set (the subnet would be %s/%lu)",
			 net_ntop(out->family, out->address, addr, sizeof(addr)), len);
		return -EINVAL;
	}
	return 0;
}

int net_subnet_cmp(const struct e911_subnet *a, const struct e911_subnet *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->prefix_len != b->prefix_len)
		return a->prefix_len < b->prefix_len ? -1 : 1;
	return memcmp(a->address, b->address, 16);
}
