/*
 * policy.h - the location-policy model and its XML configuration: the
 * contract between the configuration loader (lib/policy/), the control
 * process (which loads, changes and persists it) and the snapshot builder of
 * the dataplane (which compiles it into lookup tables).
 *
 * A configuration is plain arrays that refer to each other by index (a site's
 * policy, an emergency number's route), so that a compiler walks it without
 * chasing lists. Every string and array in it is malloc'd and owned by it;
 * policy_config_free() releases all of it. Which policy applies to a call
 * (the scope rule): the policy of the caller's network site (longest-prefix
 * match on the caller's address) wins; else the caller's user policy (its
 * identity, or the policy tag named in its PIDF-LO); else the global policy.
 *
 * The file format (namespace urn:e911proxy:config:1, schema
 * lib/policy/e911-config.xsd, embedded in the library at build time) is
 * described in docs/configuration.md. Loading never prints: errors come back
 * as a list of "FILE:LINE: what is wrong" lines, and a bad document never
 * yields a configuration, not even a partial one.
 *
 * Nothing here needs DPDK. The loader and writer allocate and use libxml2
 * (control path); policy_uri_normalise() neither allocates nor calls the
 * system, so a worker may call it per packet.
 */
#ifndef E911_POLICY_H
#define E911_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits (each enforced by the loader, with a message naming it) ---- */

#define E911_DIAL_MAX 10u             /* digits in a dial string or a dial mask */
#define E911_MAX_DIAL_MASKS 16u       /* dial masks of one emergency number */
#define E911_MAX_NUMBERS 32u          /* emergency numbers of one policy */
#define E911_MAX_NOTIFICATION_URIS 16u /* notification URIs of one policy */
#define E911_MAX_GATEWAYS 16u         /* gateways of one route */
#define E911_NAME_MAX 64u             /* policy, route, site names, tags, version */
#define E911_URI_MAX 256u             /* any URI in the configuration */
#define E911_TEXT_MAX 4096u           /* description, disclaimer */
#define E911_CONFIG_MAX_BYTES (64u << 20) /* a configuration document: 64 MiB */
#define E911_CONFIG_MAX_ERRORS 100u   /* errors kept per load; more are counted */

/** The XML namespace of the configuration document (format version 1). */
#define E911_CONFIG_NS "urn:e911proxy:config:1"
/** The name of the policy that applies when no site or user policy does. */
#define E911_GLOBAL_POLICY "Global"

/* ---- the model ---- */

enum e911_ip_family {
	E911_IPV4 = 4,
	E911_IPV6 = 6,
};

enum e911_transport {
	E911_TRANSPORT_UDP, /* the only transport for now; tcp and tls are refused */
};

enum e911_location_required {
	E911_LOCATION_NO,         /* a call without a location is routed as it is */
	E911_LOCATION_YES,        /* the client asks the user for a location */
	E911_LOCATION_DISCLAIMER, /* ... and shows the disclaimer if there is none */
};

enum e911_conference_mode {
	E911_CONFERENCE_ONE_WAY, /* the security desk listens */
	E911_CONFERENCE_TWO_WAY, /* the security desk listens and speaks */
};

/** A trunk gateway of a route: an IP literal (the dataplane does no DNS). */
struct e911_gateway {
	char *address_text;  /* canonical text (inet_ntop), IPv6 without brackets */
	uint8_t family;      /* enum e911_ip_family */
	uint8_t address[16]; /* network order; IPv4 in the first 4 bytes, the rest 0 */
	uint16_t port;       /* default 5060 */
	uint8_t transport;   /* enum e911_transport */
	uint16_t priority;   /* lower is preferred (as DNS SRV); default 1 */
	uint16_t weight;     /* share among gateways of equal priority; default 1 */
};

/** A route (the original's PSTN usage): gateways in the order written. */
struct e911_route {
	char *name;
	struct e911_gateway *gateways;
	uint32_t gateway_count; /* 1..E911_MAX_GATEWAYS */
};

/**
 * An emergency number of a policy: dialling the dial string or any of its
 * masks is an emergency call, and a dialled mask is translated to the dial
 * string. Within one policy, no string is both a dial string and a mask, and
 * none appears twice.
 */
struct e911_emergency_number {
	char dial_string[E911_DIAL_MAX + 1]; /* 1..10 digits, NUL-terminated */
	char dial_masks[E911_MAX_DIAL_MASKS][E911_DIAL_MAX + 1];
	uint32_t dial_mask_count;
	uint32_t route; /* index into e911_config.routes (the PSTN usage) */
};

/** A location policy. Optional strings are NULL when absent. */
struct e911_policy {
	char *name;
	char *description;
	char *tag;        /* LocationPolicyTagID a PIDF-LO may name the policy by */
	bool enhanced_emergency_services_enabled; /* false: routed, but not as E9-1-1 */
	enum e911_location_required location_required;
	bool use_location_for_e911_only;
	char *disclaimer; /* required when location_required is DISCLAIMER */
	uint32_t location_refresh_interval; /* hours, 1..12, default 4 */
	char **notification_uris;           /* sip:/sips: URIs of the security desk */
	uint32_t notification_uri_count;
	char *conference_uri; /* sip:/sips:; NULL: no conference */
	enum e911_conference_mode conference_mode; /* meaningful with conference_uri */
	char *resource_priority; /* Resource-Priority value to add (RFC 7135), e.g. "esnet.1" */
	/*
	 * At least one, enabled or not: the first is the one urn:service:sos
	 * calls use (its route, and its dial string as the translated target).
	 */
	struct e911_emergency_number *numbers;
	uint32_t number_count;
};

/** A subnet of a network site; its host bits are zero. */
struct e911_subnet {
	uint8_t family;      /* enum e911_ip_family */
	uint8_t prefix_len;  /* 0..32 or 0..128 */
	uint8_t address[16]; /* network order; IPv4 in the first 4 bytes, the rest 0 */
};

/** A network site: callers from its subnets get its policy. */
struct e911_site {
	char *name;
	uint32_t policy; /* index into e911_config.policies */
	struct e911_subnet *subnets;
	uint32_t subnet_count; /* >= 1 */
};

/** A user with its own policy, by identity in the normal form of policy_uri_normalise(). */
struct e911_user {
	char *uri;
	uint32_t policy; /* index into e911_config.policies */
};

/** A whole configuration, in the order of the document. */
struct e911_config {
	char *version; /* the document's version attribute, as written */
	struct e911_policy *policies;
	uint32_t policy_count;
	struct e911_route *routes;
	uint32_t route_count;
	struct e911_site *sites;
	uint32_t site_count;
	struct e911_user *users;
	uint32_t user_count;
	uint32_t global_policy; /* index of the policy named "Global" */
};

/* ---- errors ---- */

struct policy_error {
	uint32_t line; /* 0: about the whole input (unreadable, too big) */
	char *text;    /* "FILE:LINE: what is wrong", or "FILE: what is wrong" when line is 0 */
};

/** The errors of one load, sorted by line; free with policy_errors_free(). */
struct policy_errors {
	struct policy_error *items;
	uint32_t count;   /* at most E911_CONFIG_MAX_ERRORS */
	uint32_t dropped; /* errors found beyond that and not kept */
};

/** Free the texts of an error list and empty it (safe on an empty list). */
void policy_errors_free(struct policy_errors *errs);

/* ---- loading ---- */

/**
 * Load a configuration document from memory: parse it (no network, no DTD,
 * no entities), validate it against the embedded schema, check what the
 * schema cannot (references, duplicates, IP literals, subnets, URIs, dial
 * masks, the Global policy) and build the model.
 * @param buf   the document (need not be NUL-terminated)
 * @param len   its length; more than E911_CONFIG_MAX_BYTES is refused
 * @param name  the file name the error messages start with
 * @param cfg   receives the configuration on success, NULL otherwise
 * @param errs  initialised here; receives every error found (free it with
 *              policy_errors_free() whatever the result)
 * Uses no global state of its own and no libxml2 global handler, so loads may
 * run in several threads once libxml2 is initialised (the first load, or
 * xmlInitParser(), from the main thread before the others start).
 * @return 0 on success;
 *         -EINVAL: the document is not a valid configuration (errs says why);
 *         -EFBIG: len is more than E911_CONFIG_MAX_BYTES;
 *         -ENOMEM: out of memory.
 */
int policy_config_load_buffer(const char *buf, size_t len, const char *name,
			      struct e911_config **cfg, struct policy_errors *errs);

/**
 * Load a configuration file: read it whole (refusing more than
 * E911_CONFIG_MAX_BYTES), then as policy_config_load_buffer() with the path
 * as the name in messages.
 * @return 0 on success; -EINVAL, -EFBIG, -ENOMEM as policy_config_load_buffer();
 *         or the negative errno of open/read (-ENOENT, -EACCES, -EISDIR...),
 *         also reported in errs.
 */
int policy_config_load_file(const char *path, struct e911_config **cfg,
			    struct policy_errors *errs);

/** Free a configuration and everything it owns (NULL is fine). */
void policy_config_free(struct e911_config *cfg);

/* ---- writing ---- */

/**
 * Write a configuration as an XML document that policy_config_load_buffer()
 * loads back into an equal configuration (every optional value that is set
 * and every default is written out explicitly).
 * @param out  receives a malloc'd, NUL-terminated document (free() it)
 * @param len  receives its length without the NUL
 * @return 0; -EINVAL: a string XML 1.0 cannot carry (a control character
 *         other than tab, LF, CR) or an index out of range; -ENOMEM.
 */
int policy_config_write(const struct e911_config *cfg, char **out, size_t *len);

/**
 * Persist a configuration atomically: write it, check that it loads back
 * equal, write PATH.tmp, fsync it, rename it over PATH and fsync the
 * directory. A crash leaves the old file or the new one, never a mix.
 * Nothing is written unless the document loads back equal. One writer per
 * path at a time (PATH.tmp is shared).
 * @return 0; -EINVAL, -ENOMEM as policy_config_write(); -EINVAL also when the
 *         document does not load (the configuration breaks a rule the loader
 *         checks, e.g. two sites of one name); -EIO: it loads but not equal
 *         (a bug); or the negative errno of open/write/fsync/rename.
 */
int policy_config_save(const struct e911_config *cfg, const char *path);

/* ---- queries ---- */

/** @return true when a and b hold the same configuration, field by field, in order. */
bool policy_config_equal(const struct e911_config *a, const struct e911_config *b);

/**
 * Find a policy, route or site by name (exact, case-sensitive), or a user by
 * identity (normalised first). Linear: meant for control commands, not for
 * the packet path (the snapshot has its own indexes).
 * @return the index (>= 0); -ENOENT: no such entry; -EINVAL (user only): the
 *         URI is not a sip:, sips: or tel: URI.
 */
int policy_config_find_policy(const struct e911_config *cfg, const char *name);
int policy_config_find_route(const struct e911_config *cfg, const char *name);
int policy_config_find_site(const struct e911_config *cfg, const char *name);
int policy_config_find_user(const struct e911_config *cfg, const char *uri);

/* ---- identities ---- */

/**
 * Write the normal form of a caller identity, under which users are stored
 * and looked up. The classifier must normalise the caller's identity (a bare
 * URI, without display name or angle brackets) with this same function.
 *
 * sip:/sips: "scheme:[user@]host[:port]": scheme and host lower-cased; the
 *   password, URI parameters and headers dropped; the user part kept as it
 *   is (case-sensitive, RFC 3261 §19.1.4; escapes not decoded), except that
 *   with user=phone it is normalised as a tel: number below.
 * tel: "tel:number[;ext=E][;phone-context=C]": visual separators
 *   (- . ( ), RFC 3966) removed from the number, E and a global C; letters
 *   and a domain C lower-cased; other parameters dropped.
 * sip: and sips: stay distinct identities, as do tel: and sip:...;user=phone.
 * The result is never longer than the input and normalising it again gives
 * it unchanged.
 * @param uri  the URI (need not be NUL-terminated), len bytes
 * @param out  receives the normal form, NUL-terminated; len + 1 bytes always suffice
 * @return its length (without the NUL); -EINVAL: not a sip:, sips: or tel:
 *         URI, an empty host or number, or a byte that is a control
 *         character, space, '<', '>' or '"'; -ENOSPC: out is too small.
 */
int policy_uri_normalise(const char *uri, uint32_t len, char *out, uint32_t cap);

#endif /* E911_POLICY_H */
