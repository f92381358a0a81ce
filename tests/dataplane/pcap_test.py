#!/usr/bin/python3
"""
pcap_test.py - the real e911-dataplane on net_pcap: input frames in, output
frames out, each checked. Usage: pcap_test.py E911_DATAPLANE SIP_DATA_DIR POLICIES.xml

Each case is a frame (or the fragments of one datagram) sent from a peer;
what must come out (by Call-ID, after reassembling fragments) is checked:
emergency INVITEs (plain, mask, urn:service:sos, fragmented in and out) to
their trunk with the translated Request-URI and the emergency headers,
ordinary INVITEs to the default next hop, responses back by their Via, BYE
by our Route, 483/400 stateless replies, nothing for a malformed ACK or a
response that is not ours, ARP and ICMP echo answered; and, in a second run
with two IPv4 addresses on two subnets, which next hop each message takes.
Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
import os
import re
import subprocess
import sys
import tempfile

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, defragment, fragment, rdpcap, wrpcap  # noqa

PROXY_IP = "198.18.0.10"
PROXY_MAC = "02:00:00:00:00:10"
PEER_MAC = "02:00:00:00:00:99"
NEIGHBOURS = {
    "198.18.10.25": "02:00:00:00:10:25", "198.18.10.31": "02:00:00:00:10:31",
    "198.18.20.57": "02:00:00:00:20:57", "198.18.10.42": "02:00:00:00:10:42",
    "198.19.0.20": "02:00:00:00:00:20", "198.19.0.21": "02:00:00:00:00:21",
    "198.19.64.10": "02:00:00:00:64:10", "198.19.1.1": "02:00:00:00:01:01",
}

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what)
    if ok:
        passed += 1
    else:
        failed += 1


def frames(src, payload, sport=5060, mtu=1500):
    pkt = Ether(src=PEER_MAC, dst=PROXY_MAC) / IP(src=src, dst=PROXY_IP, id=0x1234) / \
        UDP(sport=sport, dport=5060) / Raw(payload)
    if len(pkt[IP]) > mtu:
        return [Ether(src=PEER_MAC, dst=PROXY_MAC) / f for f in fragment(pkt[IP], fragsize=mtu - 20 - 4)]
    return [pkt]


def udp_checksum_good(ip):
    copy = ip.copy()
    del copy[UDP].chksum
    return IP(bytes(copy))[UDP].chksum == ip[UDP].chksum


def sip_file(data_dir, name):
    with open(os.path.join(data_dir, name), "rb") as f:
        return f.read()


def header(msg, name):
    m = re.search(rb"^" + name.encode() + rb":\s*(.*?)\r$", msg, re.M | re.I)
    return m.group(1).decode() if m else None


def run(binary, policies, inp, args):
    """e911-dataplane on net_pcap with inp as its input: (exit status, stdout, frames out)."""
    with tempfile.TemporaryDirectory() as tmp:
        in_pcap, out_pcap = os.path.join(tmp, "in.pcap"), os.path.join(tmp, "out.pcap")
        wrpcap(in_pcap, inp)
        # (no --in-memory: DPDK 22.11 refuses it with --no-huge)
        cmd = [binary, "--no-huge", "-m", "1024", "-l", "0-1", "--no-pci", "--no-shconf",
               "--vdev", f"net_pcap0,rx_pcap={in_pcap},tx_pcap={out_pcap}", "--",
               "--config", policies, "--stop-after-idle", "1.5"] + args
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or os.environ.get("VERBOSE"):
            print(r.stdout, r.stderr)
        return r.returncode, r.stdout, rdpcap(out_pcap) if os.path.exists(out_pcap) else []


def next_hops(binary, data_dir, policies):
    """Two IPv4 addresses, each with its own subnet: a trunk gateway inside the second's is
    reached directly, a caller outside both through the router."""
    invite = sip_file(data_dir, "emergency-invite.sip")
    ringing = sip_file(data_dir, "180-ringing.sip").replace(b"198.18.0.10:5060;branch=z9hG4bK-e911p-",
                                                            b"198.18.0.10:5060;branch=z9hG4bKE9")
    inp = frames("198.18.10.25", invite) + frames("198.19.0.20", ringing)
    args = ["--sip-address", f"{PROXY_IP}/24", "--sip-address", "198.19.0.10/24",
            "--default-hop", "198.19.1.1:5080", "--router", "198.18.0.1",
            "--neighbour", "198.18.0.1=02:00:00:00:00:01", "--neighbour", "198.19.0.20=02:00:00:00:00:20",
            "--neighbour", "198.19.0.21=02:00:00:00:00:21"]
    rc, _, out = run(binary, policies, inp, args)
    check(rc == 0, f"two subnets: e911-dataplane exits 0 (got {rc})")
    sent = {(p[IP].dst, p[Ether].dst) for p in out if IP in p}
    trunk = {mac for dst, mac in sent if dst in ("198.19.0.20", "198.19.0.21")}
    check(trunk and trunk <= {"02:00:00:00:00:20", "02:00:00:00:00:21"},
          f"two subnets: the trunk on the second address's subnet is reached directly ({trunk})")
    check(("198.18.10.25", "02:00:00:00:00:01") in sent, "two subnets: the caller off both subnets via the router")


def main():
    binary, data_dir, policies = sys.argv[1:4]
    next_hops(binary, data_dir, policies)
    invite = sip_file(data_dir, "emergency-invite.sip")          # 911 from 198.18.10.25, Redmond
    mask = sip_file(data_dir, "emergency-invite-9911.sip")        # 9911 from 198.18.10.31
    sos = sip_file(data_dir, "emergency-invite-sos.sip")          # urn:service:sos from London
    big = sip_file(data_dir, "emergency-invite-big.sip")          # 3.3 KB
    ordinary = sip_file(data_dir, "invite-ordinary.sip")
    ringing = sip_file(data_dir, "180-ringing.sip").replace(b"198.18.0.10:5060;branch=z9hG4bK-e911p-",
                                                            b"198.18.0.10:5060;branch=z9hG4bKE9")
    bye = sip_file(data_dir, "bye.sip").replace(b"a84b4c76e66710", b"bye-of-a-call")
    ringing = ringing.replace(b"a84b4c76e66710", b"ringing-of-a-call")
    hops0 = invite.replace(b"Max-Forwards: 70", b"Max-Forwards: 0").replace(b"a84b4c76e66710", b"maxfwd0")
    bad = b"INVITE sip:911@198.18.0.10 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.10.25;branch=z9hG4bKbad\r\n" \
        b"From: <sip:a@example.com>;tag=1\r\nTo: <sip:911@example.com>\r\nCall-ID: bad-cseq\r\n" \
        b"CSeq: one INVITE\r\n\r\n"
    bad_ack = bad.replace(b"INVITE sip", b"ACK sip").replace(b"Call-ID: bad-cseq", b"Call-ID: bad-ack")
    not_ours = ringing.replace(b"198.18.0.10:5060;branch=z9hG4bKE9", b"198.18.0.77:5060;branch=z9hG4bKE9") \
        .replace(b"a84b4c76e66710", b"not-ours")

    inp = []
    inp += frames("198.18.10.25", invite)
    inp += frames("198.18.10.31", mask, sport=5062)
    inp += frames("198.18.20.57", sos, sport=5062)
    inp += frames("198.18.10.42", big)
    inp += frames("198.18.10.25", ordinary)
    inp += frames("198.19.0.20", ringing)
    inp += frames("198.18.10.25", bye)
    inp += frames("198.18.10.25", hops0)
    inp += frames("198.18.10.25", bad, sport=40000)
    inp += frames("198.18.10.25", bad_ack, sport=40000)
    inp += frames("198.19.0.20", not_ours)
    inp.append(Ether(src=PEER_MAC, dst="ff:ff:ff:ff:ff:ff") /
               ARP(op=1, hwsrc=PEER_MAC, psrc="198.18.10.25", pdst=PROXY_IP))
    inp.append(Ether(src=PEER_MAC, dst=PROXY_MAC) / IP(src="198.18.10.25", dst=PROXY_IP) / ICMP(id=7, seq=1) /
               Raw(b"ping"))

    args = ["--sip-address", f"{PROXY_IP}/15", "--default-hop", "198.19.1.1:5080"]
    for ip, mac in NEIGHBOURS.items():
        args += ["--neighbour", f"{ip}={mac}"]
    rc, log, out = run(binary, policies, inp, args)
    check(rc == 0, f"e911-dataplane exits 0 (got {rc})")

    ips = defragment([p[IP] for p in out if IP in p])
    by_call = {}
    for p in ips:
        if UDP in p:
            body = bytes(p[UDP].payload)
            cid = header(body, "Call-ID")
            by_call.setdefault(cid, []).append((p, body))
    frag_out = sum(1 for p in out if IP in p and (p[IP].flags.MF or p[IP].frag))

    def one(cid, what):
        got = by_call.get(cid, [])
        check(len(got) == 1, f"{what}: exactly one message out (got {len(got)})")
        if os.environ.get("VERBOSE"):
            for p, m in got:
                print(f"  {p[IP].src} -> {p[IP].dst}:{p[UDP].dport} {len(m)} bytes\n    " +
                      m[:600].decode(errors="replace").replace("\r\n", "\n    "))
        return got[0] if got else (None, b"")

    p, m = one("a84b4c76e66710@198.18.10.25", "911 INVITE")
    if p:
        check(p[IP].dst in ("198.19.0.20", "198.19.0.21"), f"911 INVITE to a us-e911 gateway ({p[IP].dst})")
        check(m.startswith(f"INVITE sip:911@{p[IP].dst};user=phone SIP/2.0".encode()), "911 Request-URI")
        check(header(m, "E911-Policy") == "Redmond;scope=site", "911 policy by site")
        check(header(m, "Resource-Priority") == "esnet.1", "Resource-Priority of the policy")
        check(header(m, "E911-Location") == "validated", "DHCP location is validated")
        check(header(m, "P-Asserted-Identity") == "<tel:+14255550100>", "callback number kept")
        check(m.count(b"\r\nVia: ") == 2 and b"received=" not in m.split(b"\r\nVia: ")[2][:0] and
              header(m, "Via").startswith("SIP/2.0/UDP 198.18.0.10;branch=z9hG4bKE9"), "our Via on top")
        check(header(m, "Record-Route") == "<sip:198.18.0.10;lr>", "Record-Route")
        check(m.split(b"\r\n\r\n", 1)[1] == invite.split(b"\r\n\r\n", 1)[1], "body (SDP + PIDF-LO) unchanged")
    p, m = one("5b7e2c40d3a1@198.18.10.31", "9911 INVITE")
    if p:
        check(m.startswith(b"INVITE sip:911@"), "9911 leaves as 911")
        check(b";received=198.18.10.31;rport=5062" in m, "received and rport on the caller's Via")
        check(header(m, "E911-Location") == "user-entered", "Manual location is user-entered")
    p, m = one("0c4d8e21b6a94f10@198.18.20.57", "sos INVITE")
    if p:
        check(p[IP].dst == "198.19.64.10" and p[UDP].dport == 5080, "sos to London's trunk")
        check(m.startswith(b"INVITE sip:999@198.19.64.10:5080;user=phone SIP/2.0"), "sos leaves as 999")
    big_cid = header(big, "Call-ID")
    p, m = one(big_cid, "fragmented 3.3 KB INVITE")
    if p:
        check(m.startswith(b"INVITE sip:911@"), "reassembled, classified and forwarded")
        check(len(m) > len(big), "rewritten whole")
        check(udp_checksum_good(p), "fragmented INVITE: UDP checksum of the whole datagram right")
    check(frag_out >= 4, f"large messages leave as IP fragments ({frag_out} fragments)")
    too_long = [len(f[IP]) for f in out if IP in f and len(f[IP]) > 1500]
    check(not too_long, f"no IP packet out above the 1500-byte MTU ({too_long})")
    offsets = sorted(f[IP].frag * 8 for f in out if IP in f and f[IP].flags.MF)
    check(all(o % 1480 == 0 for o in offsets), f"fragments but the last carry 1480 bytes ({offsets})")
    p, m = one(header(ordinary, "Call-ID"), "ordinary INVITE")
    if p:
        check(p[IP].dst == "198.19.1.1" and p[UDP].dport == 5080, "ordinary INVITE to the default hop")
        check(header(m, "E911-Policy") is None, "no emergency headers on an ordinary call")
    p, m = one(header(ringing, "Call-ID"), "180 Ringing")
    if p:
        check(m.startswith(b"SIP/2.0 180") and p[IP].dst == "198.18.10.25" and m.count(b"\r\nVia: ") == 1,
              "180 back by its Via, ours removed")
    p, m = one(header(bye, "Call-ID"), "BYE")
    if p:
        check(m.startswith(b"BYE ") and b"Route: <sip:198.18.0.10" not in m, "our Route popped from the BYE")
        check("event=end" in log and "bye-of-a-call" in log, "the end of an emergency call logged")
    p, m = one("maxfwd0@198.18.10.25", "Max-Forwards 0")
    if p:
        check(m.startswith(b"SIP/2.0 483 "), "483 Too Many Hops")
    p, m = one("bad-cseq", "malformed INVITE")
    if p:
        check(m.startswith(b"SIP/2.0 400 malformed CSeq") and p[UDP].dport == 40000, "400 to the source port")
    check("bad-ack" not in by_call, "no answer to a malformed ACK")
    check("not-ours" not in by_call, "a response whose Via is not ours is dropped")
    arp = [p for p in out if ARP in p and p[ARP].op == 2]
    check(len(arp) == 1 and arp[0][ARP].psrc == PROXY_IP, "ARP request answered")
    echo = [p for p in out if ICMP in p and p[ICMP].type == 0]
    check(len(echo) == 1 and bytes(echo[0][ICMP].payload) == b"ping", "ICMP echo answered")
    check("e911 event=call" in log and "policy=Redmond" in log, "emergency call logged by main")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
