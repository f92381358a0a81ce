#!/usr/bin/env bash
# Runs each libFuzzer target of a fuzz build for a bounded time, seeded from
# the repo's messages, in a scratch directory it removes afterwards.
# Usage: tools/fuzz.sh BUILD_DIR SECONDS [TARGET...]
# A crash leaves its input in fuzz-artifacts/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_sip_parse fuzz_proxy fuzz_sip_scan fuzz_dialmatch fuzz_policy_config fuzz_policy_uri fuzz_net_decap fuzz_net_answer fuzz_pidf fuzz_command)

# Seeds: what each target reads in real life.
seed_corpus() {
  case "$1" in
    fuzz_policy_config)
      find examples tests/data/policy -name '*.xml' -exec cp {} "$2/" \; ;;
    fuzz_policy_uri)
      printf '%s' 'sip:Alice@Example.COM;transport=udp' >"$2/sip"
      printf '%s' 'tel:+1-425-555-0100;ext=12;phone-context=+1' >"$2/tel"
      printf '%s' 'sips:911@pbx.example.com;user=phone' >"$2/phone" ;;
    fuzz_net_decap)
      # An IPv4/UDP frame carrying a SIP OPTIONS (checksums need not be right to seed).
      printf '\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00\x45\0\0\x3f\0\0\0\0\x40\x11\0\0\xc6\x12\x19\x0a\xc6\x12\0\x0a\x13\xc6\x13\xc4\0\x2b\0\0OPTIONS sip:198.18.0.10 SIP/2.0\r\n\r\n' >"$2/udp4" ;;
    fuzz_net_answer)
      # What the responders answer for the target's fixed identity (198.18.0.10,
      # 2001:db8::a), checksums right so that the seeds reach the answers: an ARP request,
      # ICMP echo (VLAN 100), ICMPv6 echo, an NS, its DAD probe from ::, an NA.
      printf '%b' '\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x05\x08\x06\x00\x01\x08\x00\x06\x04\x00\x01\x02\x00\x00\x00\x00\x05\xc6\x12\x19\x05\x00\x00\x00\x00\x00\x00\xc6\x12\x00\x0a' >"$2/arp"
      printf '%b' '\x02\x00\x00\x00\x00\x0a\x02\x00\x00\x00\x00\x05\x81\x00\x20\x64\x08\x00\x45\x00\x00\x20\x00\x00\x40\x00\x40\x01\x95\xa9\xc6\x12\x19\x05\xc6\x12\x00\x0a\x08\x00\x06\xfa\x12\x34\x00\x01\x70\x69\x6e\x67' >"$2/echo4"
      printf '%b' '\x02\x00\x00\x00\x00\x0a\x02\x00\x00\x00\x00\x05\x86\xdd\x60\x00\x00\x00\x00\x0c\x3a\x40\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a\x80\x00\x33\x22\x12\x34\x00\x01\x70\x69\x6e\x67' >"$2/echo6"
      printf '%b' '\x33\x33\xff\x00\x00\x0a\x02\x00\x00\x00\x00\x05\x86\xdd\x60\x00\x00\x00\x00\x20\x3a\xff\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\x00\x00\x0a\x87\x00\x1b\xff\x00\x00\x00\x00\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a\x01\x01\x02\x00\x00\x00\x00\x05' >"$2/ns"
      printf '%b' '\x33\x33\xff\x00\x00\x0a\x02\x00\x00\x00\x00\x05\x86\xdd\x60\x00\x00\x00\x00\x18\x3a\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\x00\x00\x0a\x87\x00\x4c\xdb\x00\x00\x00\x00\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a' >"$2/dad"
      printf '%b' '\x02\x00\x00\x00\x00\x0a\x02\x00\x00\x00\x00\x05\x86\xdd\x60\x00\x00\x00\x00\x20\x3a\xff\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a\x88\x00\x8a\x3f\x60\x00\x00\x00\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05\x02\x01\x02\x00\x00\x00\x00\x05' >"$2/na" ;;
    fuzz_command)
      # Lines an operator types: the help's own syntax lines, and real commands.
      printf '%s' 'set policy Redmond conference-mode two-way notification-uris sip:a@x,sip:b@y' >"$2/set"
      printf '%s' 'add route backup 198.19.0.30:5070 priority 2 weight 3 [2001:db8::1]:5060' >"$2/route"
      printf '%s' 'add site Annex policy Redmond subnet 198.18.30.0/24' >"$2/site"
      printf '%s' 'add user tel:+1-425-555-0100 policy Redmond' >"$2/user"
      printf '%s' 'set policy Redmond description "a \"quoted\" text" disclaimer none' >"$2/quote"
      printf '%s' 'show calls 5 json' >"$2/show" ;;
    fuzz_pidf)
      # The reader's own documents, good and bad, and the PIDF-LO parts of the sample INVITEs.
      find tests/data/pidf -type f -exec cp {} "$2/" \;
      for f in tests/data/sip/emergency-invite*.sip; do
        sed -n '/^<?xml/,/^<\/presence>/p' "$f" >"$2/$(basename "$f" .sip).xml"
      done ;;
    fuzz_dialmatch)
      printf '%s' 911 >"$2/911"; printf '%s' 'urn:service:sos.fire' >"$2/sos" ;;
    fuzz_sip_scan)
      # Whole messages (line feeds, names), and Via values of every shape for the
      # fast-path-against-general-reading check.
      cp tests/data/sip/*.sip "$2/"
      printf '%s' 'SIP/2.0/UDP 198.18.10.25:5060;branch=z9hG4bK776asdhds1;rport' >"$2/via"
      printf '%s' 'SIP/2.0/UDP [2001:db8::9]:5061;received=198.18.0.1;rport=5062;maddr=x.example.com;ttl=1' >"$2/via6"
      printf '%s' 'SIP / 2.0 / UDP  host.example.com ; branch = "q" , SIP/2.0/TCP h;BRANCH=z9hG4bK1' >"$2/via-lws" ;;
    *)
      cp tests/data/sip/*.sip tests/data/rfc4475/*.sip "$2/"
      if [ -d ../shared/corpus/rfc4475 ]; then cp ../shared/corpus/rfc4475/*.sip "$2/"; fi ;;
  esac
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p fuzz-artifacts
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  seed_corpus "$t" "$work/$t"
  echo "-- $t: ${seconds}s"
  rc=0
  "$build/tests/fuzz/$t" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 \
    -artifact_prefix=fuzz-artifacts/ "$work/$t" >"$work/$t.log" 2>&1 || rc=$?
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|==[0-9]+==|SUMMARY)|runtime error|DONE' \
    "$work/$t.log" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$work/$t.log" >&2
    echo "fuzz: $t failed; its input is in fuzz-artifacts/" >&2
    exit 1
  fi
done
echo "fuzz: all targets ran ${seconds}s without a finding"
