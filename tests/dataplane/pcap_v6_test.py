#!/usr/bin/python3
"""
pcap_v6_test.py - the real e911-dataplane on net_pcap over IPv6 and with an
802.1Q tag: input frames in, output frames out, each checked (as
pcap_test.py does for IPv4). Usage:
    pcap_v6_test.py E911_DATAPLANE SIP_DATA_DIR POLICIES-V6.xml

Run 1, untagged, SIP addresses 198.18.0.10 and 2001:db8::10:
  - an emergency INVITE over IPv6 to the IPv6 trunk (Request-URI, Via,
    received/rport, one Record-Route, body, UDP checksum), its 180 back by
    the Via over IPv6;
  - a neighbour solicitation answered (NA: target, S and O flags, our MAC),
    an ICMPv6 echo answered;
  - a 3.3 KB INVITE in IPv6 fragments reassembled and forwarded (as IPv6
    fragments);
  - calls that cross families (RFC 5658 double Record-Route): an IPv4 caller
    to the IPv6 trunk and an IPv6 caller to an IPv4 trunk get two
    Record-Route entries, the outgoing side's on top; the 200 goes back over
    the caller's family; in-dialog requests carrying both our Route entries
    (either order) lose both and go on in the other family.
Run 2, --vlan 100: the same kinds of frames tagged 100 are answered and
forwarded tagged 100 (IPv4 and IPv6, ARP, NS, echo, fragments); untagged
frames and frames of VLAN 200 get nothing and are counted (DROP_VLAN).
Prints one line per check and "N passed, N failed"; exits 1 on any failure.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile

from scapy.all import (ARP, ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,  # noqa
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IP, IPv6, IPv6ExtHdrFragment, UDP,
                       Dot1Q, Ether, Raw, defragment, fragment, fragment6, rdpcap, wrpcap)
from scapy.pton_ntop import inet_ntop, inet_pton  # noqa
from scapy.utils6 import in6_getnsma, in6_getnsmac  # noqa

PROXY4, PROXY6 = "198.18.0.10", "2001:db8::10"
PROXY_MAC, PEER_MAC = "02:00:00:00:00:10", "02:00:00:00:00:99"
TRUNK6, TRUNK4 = "2001:db8::20", "198.19.64.10"
CALLER6, LONDON6, BIG6 = "2001:db8:10::25", "2001:db8:20::57", "2001:db8:10::73"
NEIGHBOURS = {
    "198.18.10.25": "02:00:00:00:10:25", "198.18.20.57": "02:00:00:00:20:57",
    "198.18.11.73": "02:00:00:00:11:73", TRUNK4: "02:00:00:00:64:10", "198.19.1.1": "02:00:00:00:01:01",
    TRUNK6: "02:00:00:00:60:20", CALLER6: "02:00:00:00:60:25", LONDON6: "02:00:00:00:60:57",
    BIG6: "02:00:00:00:60:73",
}
VLAN, OTHER_VLAN = 100, 200

passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if ok:
        passed += 1
    else:
        failed += 1


def sip_file(data_dir, name):
    with open(os.path.join(data_dir, name), "rb") as f:
        return f.read()


def header(msg, name):
    m = re.search(rb"^" + name.encode() + rb":\s*(.*?)\r$", msg, re.M | re.I)
    return m.group(1).decode() if m else None


def headers(msg, name):
    return [v.decode() for v in re.findall(rb"^" + name.encode() + rb":\s*(.*?)\r$", msg, re.M | re.I)]


def in_headers(msg, pairs):
    """Replace bytes in the header section only: the body (and Content-Length) stays right."""
    head, body = msg.split(b"\r\n\r\n", 1)
    for old, new in pairs:
        head = head.replace(old, new)
    return head + b"\r\n\r\n" + body


def l2(vlan):
    eth = Ether(src=PEER_MAC, dst=PROXY_MAC)
    return eth / Dot1Q(vlan=vlan) if vlan else eth


def udp_frames(src, dst, payload, sport=5060, vlan=None, frag=1400):
    """One datagram, as IP fragments when it does not fit a 1500-byte MTU."""
    if ":" in src:
        ip = IPv6(src=src, dst=dst) / UDP(sport=sport, dport=5060) / Raw(payload)
        if len(ip) <= 1500:
            return [l2(vlan) / ip]
        ip = IPv6(src=src, dst=dst) / IPv6ExtHdrFragment(id=0x6006) / UDP(sport=sport, dport=5060) / Raw(payload)
        return [l2(vlan) / f for f in fragment6(ip, frag)]
    ip = IP(src=src, dst=dst, id=0x4004) / UDP(sport=sport, dport=5060) / Raw(payload)
    if len(ip) <= 1500:
        return [l2(vlan) / ip]
    return [l2(vlan) / f for f in fragment(ip, fragsize=frag)]


def neighbour_solicitation(src, target, vlan=None):
    group = in6_getnsma(inet_pton(socket.AF_INET6, target))
    eth = Ether(src=PEER_MAC, dst=in6_getnsmac(group))
    if vlan:
        eth = eth / Dot1Q(vlan=vlan)
    return eth / IPv6(src=src, dst=inet_ntop(socket.AF_INET6, group), hlim=255) / ICMPv6ND_NS(tgt=target) / \
        ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC)


def echo6(src, vlan=None, data=b"ping6"):
    return l2(vlan) / IPv6(src=src, dst=PROXY6) / ICMPv6EchoRequest(id=7, seq=1, data=data)


def arp_request(vlan=None):
    eth = Ether(src=PEER_MAC, dst="ff:ff:ff:ff:ff:ff")
    if vlan:
        eth = eth / Dot1Q(vlan=vlan)
    return eth / ARP(op=1, hwsrc=PEER_MAC, psrc="198.18.10.25", pdst=PROXY4)


def run(binary, policies, frames, extra):
    """The dataplane on a capture; returns (exit status, stdout, frames out)."""
    with tempfile.TemporaryDirectory() as tmp:
        in_pcap, out_pcap = os.path.join(tmp, "in.pcap"), os.path.join(tmp, "out.pcap")
        wrpcap(in_pcap, frames)
        cmd = [binary, "--no-huge", "-m", "1024", "-l", "0-1", "--no-pci", "--no-shconf",
               "--vdev", f"net_pcap0,rx_pcap={in_pcap},tx_pcap={out_pcap}", "--",
               "--config", policies, "--sip-address", f"{PROXY4}/15", "--sip-address", f"{PROXY6}/32",
               "--default-hop", "198.19.1.1:5080", "--stop-after-idle", "1.5"] + extra
        for ip, mac in NEIGHBOURS.items():
            cmd += ["--neighbour", f"{ip}={mac}"]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0 or os.environ.get("VERBOSE"):
            print(r.stdout, r.stderr)
        out = list(rdpcap(out_pcap)) if os.path.exists(out_pcap) else []
    return r.returncode, r.stdout, out


def datagrams(out):
    """Every UDP datagram sent (IPv4 and IPv6 fragments put together), with its frames' VLANs
    (None: untagged), as (ip_packet, sip_bytes, {vlan...}, frame_count)."""
    res, frags4, frags6 = [], [], {}
    for f in out:
        vlan = f[Dot1Q].vlan if Dot1Q in f else None
        if IPv6 in f and IPv6ExtHdrFragment in f:
            fh = f[IPv6ExtHdrFragment]
            frags6.setdefault((f[IPv6].src, f[IPv6].dst, fh.id), []).append((fh.offset, bytes(fh.payload), f, vlan))
        elif IP in f and (f[IP].flags.MF or f[IP].frag):
            frags4.append((f[IP], vlan))
        elif UDP in f:
            ip = f[IPv6] if IPv6 in f else f[IP]
            res.append((ip, bytes(f[UDP].payload), {vlan}, 1))
    for (src, dst, _), parts in frags6.items():
        parts.sort(key=lambda p: p[0])
        data = b"".join(p[1] for p in parts)
        ip = IPv6(src=src, dst=dst, nh=17) / UDP(data)
        res.append((ip, bytes(ip[UDP].payload), {p[3] for p in parts}, len(parts)))
    if frags4:
        vlans = {v for _, v in frags4}
        for ip in defragment([p for p, _ in frags4]):
            if UDP in ip:
                res.append((ip, bytes(ip[UDP].payload), vlans, len(frags4)))
    return res


def by_call_id(out):
    calls = {}
    for ip, body, vlan, n in datagrams(out):
        calls.setdefault(header(body, "Call-ID"), []).append((ip, body, vlan, n))
    return calls


def udp_checksum_good(ip):
    copy = ip.copy()
    del copy[UDP].chksum
    return type(ip)(bytes(copy))[UDP].chksum == ip[UDP].chksum


def port_mac(log):
    m = re.search(r"port 0 \(\w+\) ([0-9a-f:]{17})", log)
    return m.group(1) if m else None


def counter(log, name):
    m = re.search(r"^e911-dataplane:\s+" + name + r"\s+(\d+)", log, re.M)
    return int(m.group(1)) if m else 0


def one(calls, cid, what):
    got = calls.get(cid, [])
    check(len(got) == 1, f"{what}: exactly one message out (got {len(got)})")
    if os.environ.get("VERBOSE"):
        for ip, m, vlan, _ in got:
            print(f"  {ip.src} -> {ip.dst}:{ip[UDP].dport} vlan {vlan} {len(m)} bytes\n    " +
                  m[:700].decode(errors="replace").replace("\r\n", "\n    "))
    return got[0] if got else (None, b"", None, 0)


def messages(data_dir):
    invite = sip_file(data_dir, "emergency-invite.sip")        # 911 from 198.18.10.25 (Redmond)
    sos = sip_file(data_dir, "emergency-invite-sos.sip")       # urn:service:sos from 198.18.20.57 (London)
    big = sip_file(data_dir, "emergency-invite-big.sip")       # 3.3 KB from 198.18.11.73
    m = {}
    m["v6"] = in_headers(invite, [(b"198.18.10.25", f"[{CALLER6}]".encode()), (b"a84b4c76e66710", b"v6-call")])
    m["v4to6"] = in_headers(invite, [(b"a84b4c76e66710", b"v4-to-v6-call")])
    m["v6to4"] = in_headers(sos, [(b"198.18.20.57", f"[{LONDON6}]".encode()), (b"0c4d8e21b6a94f10", b"v6-to-v4-call")])
    m["v4"] = in_headers(sos, [(b"0c4d8e21b6a94f10", b"v4-call")])
    m["big6"] = in_headers(big, [(b"198.18.11.73", f"[{BIG6}]".encode()), (b"3d9c7f15-0e6b", b"big-v6")])
    m["big4"] = in_headers(big, [(b"3d9c7f15-0e6b", b"big-v4")])
    m["ringing6"] = (
        "SIP/2.0 180 Ringing\r\n"
        f"Via: SIP/2.0/UDP [{PROXY6}];branch=z9hG4bKE90123456789abcdef01234567\r\n"
        f"Via: SIP/2.0/UDP [{CALLER6}]:5060;branch=z9hG4bK776asdhds1;rport=5062;received={CALLER6}\r\n"
        f"Record-Route: <sip:[{PROXY6}];lr>\r\n"
        "From: \"Alice Jones\" <sip:alice.jones@example.com>;tag=1928301774\r\n"
        "To: <sip:911@sip.example.com;user=phone>;tag=as5f1e2d7c\r\n"
        "Call-ID: ringing-v6\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:911@[{TRUNK6}]:5060>\r\nContent-Length: 0\r\n\r\n").encode()
    m["ok_mixed"] = (
        "SIP/2.0 200 OK\r\n"
        f"Via: SIP/2.0/UDP [{PROXY6}];branch=z9hG4bKE90123456789abcdef01234568\r\n"
        "Via: SIP/2.0/UDP 198.18.10.25:5060;branch=z9hG4bK776asdhds1;rport=5060;received=198.18.10.25\r\n"
        f"Record-Route: <sip:[{PROXY6}];lr>\r\nRecord-Route: <sip:{PROXY4};lr>\r\n"
        "From: \"Alice Jones\" <sip:alice.jones@example.com>;tag=1928301774\r\n"
        "To: <sip:911@sip.example.com;user=phone>;tag=as5f1e2d7c\r\n"
        "Call-ID: ok-mixed\r\nCSeq: 1 INVITE\r\n"
        f"Contact: <sip:911@[{TRUNK6}]:5060>\r\nContent-Length: 0\r\n\r\n").encode()
    dialog = ("From: \"Alice Jones\" <sip:alice.jones@example.com>;tag=1928301774\r\n"
              "To: <sip:911@sip.example.com;user=phone>;tag=as5f1e2d7c\r\n")
    m["bye_caller"] = (
        f"BYE sip:911@[{TRUNK6}]:5060 SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 198.18.10.25:5060;branch=z9hG4bK2e90b7d441;rport\r\n"
        f"Max-Forwards: 70\r\nRoute: <sip:{PROXY4};lr>, <sip:[{PROXY6}];lr>\r\n" + dialog +
        "Call-ID: bye-from-caller\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n").encode()
    m["bye_trunk"] = (
        "BYE sip:alice.jones@198.18.10.25:5060 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP [{TRUNK6}]:5060;branch=z9hG4bKtrunkbye1\r\n"
        f"Max-Forwards: 70\r\nRoute: <sip:[{PROXY6}];lr>\r\nRoute: <sip:{PROXY4};lr>\r\n" +
        dialog.replace("From:", "X-From:").replace("To:", "From:").replace("X-From:", "To:") +
        "Call-ID: bye-from-trunk\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n").encode()
    return m


def check_emergency(calls, cid, what, dst, family_self, rr, vlan=None):
    ip, m, got_vlan, _ = one(calls, cid, what)
    if ip is None:
        return ip, m
    host = f"[{dst}]" if ":" in dst else dst
    check(ip.dst == dst and ip.src == family_self, f"{what}: from {family_self} to {dst} (got {ip.src} -> {ip.dst})")
    check(m.startswith(f"INVITE sip:{'999' if dst == TRUNK4 else '911'}@{host}".encode()), f"{what}: Request-URI")
    self_host = f"[{family_self}]" if ":" in family_self else family_self
    check(header(m, "Via").startswith(f"SIP/2.0/UDP {self_host};branch=z9hG4bKE9"), f"{what}: our Via on top")
    check(headers(m, "Record-Route") == rr, f"{what}: Record-Route {rr} (got {headers(m, 'Record-Route')})")
    check(header(m, "Priority") == "emergency", f"{what}: Priority: emergency")
    if vlan is not None:
        check(got_vlan == {vlan}, f"{what}: tagged {vlan} (got {got_vlan})")
    return ip, m


def run_untagged(binary, data_dir, policies):
    print("-- run 1: IPv4 and IPv6, untagged")
    m = messages(data_dir)
    inp = []
    inp += udp_frames(CALLER6, PROXY6, m["v6"], sport=5062)
    inp += udp_frames(TRUNK6, PROXY6, m["ringing6"])
    inp.append(neighbour_solicitation(CALLER6, PROXY6))
    inp.append(echo6(CALLER6))
    inp += udp_frames(BIG6, PROXY6, m["big6"], frag=1232)
    inp += udp_frames("198.18.10.25", PROXY4, m["v4to6"])
    inp += udp_frames(LONDON6, PROXY6, m["v6to4"], sport=5062)
    inp += udp_frames(TRUNK6, PROXY6, m["ok_mixed"])
    inp += udp_frames("198.18.10.25", PROXY4, m["bye_caller"])
    inp += udp_frames(TRUNK6, PROXY6, m["bye_trunk"])
    rc, log, out = run(binary, policies, inp, [])
    check(rc == 0, f"e911-dataplane exits 0 (got {rc})")
    calls = by_call_id(out)

    ip, msg = check_emergency(calls, f"v6-call@[{CALLER6}]", "IPv6 911 INVITE", TRUNK6, PROXY6,
                              [f"<sip:[{PROXY6}];lr>"])
    if ip is not None:
        check(f";received={CALLER6};rport=5062".encode() in msg, "IPv6 INVITE: received and rport on the caller's Via")
        check(header(msg, "E911-Policy") == "Redmond;scope=site", "IPv6 INVITE: the policy of its IPv6 site")
        check(msg.split(b"\r\n\r\n", 1)[1] == m["v6"].split(b"\r\n\r\n", 1)[1], "IPv6 INVITE: body unchanged")
        check(udp_checksum_good(ip), "IPv6 INVITE: UDP checksum right")
        frame = [f for f in out if IPv6 in f and UDP in f and b"v6-call" in bytes(f[UDP].payload)]
        check(frame and frame[0][Ether].dst == NEIGHBOURS[TRUNK6], "IPv6 INVITE: to the trunk's MAC")
    ip, msg, _, _ = one(calls, "ringing-v6", "IPv6 180 Ringing")
    if ip is not None:
        check(msg.startswith(b"SIP/2.0 180") and ip.dst == CALLER6 and ip[UDP].dport == 5062 and
              msg.count(b"\r\nVia: ") == 1, "IPv6 180 back by its Via (received, rport), ours removed")
        check(udp_checksum_good(ip), "IPv6 180: UDP checksum right")
    na = [f for f in out if ICMPv6ND_NA in f]
    check(len(na) == 1, f"neighbour solicitation answered ({len(na)} advertisements)")
    if na:
        a = na[0]
        check(a[ICMPv6ND_NA].tgt == PROXY6 and a[ICMPv6ND_NA].S == 1 and a[ICMPv6ND_NA].O == 1 and
              a[IPv6].dst == CALLER6 and a[IPv6].hlim == 255 and a[Ether].dst == PEER_MAC,
              "NA: our target, solicited, override, to the solicitor, hop limit 255")
        check(ICMPv6NDOptDstLLAddr in a and a[ICMPv6NDOptDstLLAddr].lladdr == port_mac(log),
              f"NA: the port's MAC ({port_mac(log)}) as target link-layer address")
    rep = [f for f in out if ICMPv6EchoReply in f]
    check(len(rep) == 1 and rep[0][ICMPv6EchoReply].data == b"ping6" and rep[0][IPv6].dst == CALLER6,
          "ICMPv6 echo answered")
    ip, msg, _, nfrag = one(calls, "big-v6-4a9d-b2c8-7f1e5d3a9b20@[2001:db8:10::73]", "IPv6-fragmented 3.3 KB INVITE")
    if ip is not None:
        check(msg.startswith(f"INVITE sip:911@[{TRUNK6}];user=phone".encode()) and len(msg) > len(m["big6"]),
              "reassembled, classified and forwarded whole")
        check(nfrag >= 3, f"it leaves as IPv6 fragments ({nfrag})")
        check(udp_checksum_good(ip), "IPv6-fragmented INVITE: UDP checksum of the whole datagram right")
    frags6 = [f for f in out if IPv6ExtHdrFragment in f]
    check(all(len(f[IPv6]) <= 1500 for f in frags6) and
          all(f[IPv6ExtHdrFragment].offset * 8 % 1448 == 0 for f in frags6),
          "IPv6 fragments fit the 1500-byte MTU, 1448 bytes each but the last")
    check(counter(log, "reassembled") >= 1, "reassembly counted")
    firsts = [f for f in out if IPv6ExtHdrFragment in f and f[IPv6ExtHdrFragment].offset == 0]
    ids = {f[IPv6ExtHdrFragment].id for f in firsts}
    check(len(firsts) >= 2 and len(ids) == len(firsts),
          f"each datagram sent in IPv6 fragments has its own Identification ({len(firsts)} datagrams, ids {ids})")

    check_emergency(calls, "v4-to-v6-call@198.18.10.25", "IPv4 caller to the IPv6 trunk", TRUNK6, PROXY6,
                    [f"<sip:[{PROXY6}];lr>", f"<sip:{PROXY4};lr>"])
    check_emergency(calls, f"v6-to-v4-call@[{LONDON6}]", "IPv6 caller to the IPv4 trunk", TRUNK4, PROXY4,
                    [f"<sip:{PROXY4};lr>", f"<sip:[{PROXY6}];lr>"])
    ip, msg, _, _ = one(calls, "ok-mixed", "200 of a call from IPv4 to IPv6")
    if ip is not None:
        check(ip.src == PROXY4 and ip.dst == "198.18.10.25" and msg.count(b"\r\nVia: ") == 1 and
              len(headers(msg, "Record-Route")) == 2, "200 back over IPv4 by its Via, both Record-Route kept")
    ip, msg, _, _ = one(calls, "bye-from-caller", "caller's BYE with both our Route entries")
    if ip is not None:
        check(ip.dst == TRUNK6 and ip.src == PROXY6 and ip[UDP].dport == 5060, "BYE on to the trunk over IPv6")
        check(header(msg, "Route") is None, "both our Route entries popped")
        check(header(msg, "Via").startswith(f"SIP/2.0/UDP [{PROXY6}];branch=z9hG4bKE9"), "BYE: our IPv6 Via")
    ip, msg, _, _ = one(calls, "bye-from-trunk", "trunk's BYE with both our Route entries")
    if ip is not None:
        check(ip.dst == "198.18.10.25" and ip.src == PROXY4 and header(msg, "Route") is None,
              "BYE on to the caller over IPv4, both Route lines popped")
    check("bye-from-caller" in log and "bye-from-trunk" in log, "both BYEs end an emergency call (logged)")


def run_tagged(binary, data_dir, policies):
    print(f"-- run 2: --vlan {VLAN}")
    m = messages(data_dir)
    inp = []
    inp += udp_frames("198.18.20.57", PROXY4, m["v4"], sport=5062, vlan=VLAN)
    inp += udp_frames(CALLER6, PROXY6, m["v6"], sport=5062, vlan=VLAN)
    inp += udp_frames(TRUNK6, PROXY6, m["ringing6"], vlan=VLAN)
    inp.append(arp_request(vlan=VLAN))
    inp.append(neighbour_solicitation(CALLER6, PROXY6, vlan=VLAN))
    inp.append(echo6(CALLER6, vlan=VLAN))
    inp += udp_frames("198.18.11.73", PROXY4, m["big4"], vlan=VLAN)
    # Not ours: untagged, or another VLAN.
    untagged = in_headers(m["v4"], [(b"v4-call", b"untagged-call")])
    other = in_headers(m["v4"], [(b"v4-call", b"other-vlan-call")])
    foreign = udp_frames("198.18.20.57", PROXY4, untagged, sport=5062)
    foreign += udp_frames("198.18.20.57", PROXY4, other, sport=5062, vlan=OTHER_VLAN)
    foreign += [arp_request(), neighbour_solicitation(CALLER6, PROXY6, vlan=OTHER_VLAN),
                echo6(CALLER6, data=b"untagged")]
    inp += foreign
    rc, log, out = run(binary, policies, inp, ["--vlan", str(VLAN)])
    check(rc == 0, f"e911-dataplane exits 0 (got {rc})")
    calls = by_call_id(out)
    check_emergency(calls, "v4-call@198.18.20.57", "tagged IPv4 INVITE", TRUNK4, PROXY4,
                    [f"<sip:{PROXY4};lr>"], vlan=VLAN)
    check_emergency(calls, f"v6-call@[{CALLER6}]", "tagged IPv6 INVITE", TRUNK6, PROXY6,
                    [f"<sip:[{PROXY6}];lr>"], vlan=VLAN)
    ip, msg, vlan, _ = one(calls, "ringing-v6", "tagged IPv6 180")
    if ip is not None:
        check(ip.dst == CALLER6 and vlan == {VLAN}, f"180 back by its Via, tagged {VLAN}")
    ip, msg, vlans, nfrag = one(calls, "big-v4-4a9d-b2c8-7f1e5d3a9b20@198.18.11.73", "tagged fragmented INVITE")
    if ip is not None:
        check(ip.dst == TRUNK6 and vlans == {VLAN} and nfrag >= 3,
              f"reassembled and forwarded in {nfrag} IPv6 fragments, each tagged {VLAN}")
    arp = [f for f in out if ARP in f and f[ARP].op == 2]
    check(len(arp) == 1 and Dot1Q in arp[0] and arp[0][Dot1Q].vlan == VLAN, "tagged ARP request answered, tagged")
    na = [f for f in out if ICMPv6ND_NA in f]
    check(len(na) == 1 and Dot1Q in na[0] and na[0][Dot1Q].vlan == VLAN, "tagged NS answered, tagged")
    rep = [f for f in out if ICMPv6EchoReply in f]
    check(len(rep) == 1 and rep[0][ICMPv6EchoReply].data == b"ping6" and rep[0][Dot1Q].vlan == VLAN,
          "tagged ICMPv6 echo answered, tagged; the untagged one not")
    check("untagged-call@198.18.20.57" not in calls, "an untagged INVITE is not forwarded")
    check("other-vlan-call@198.18.20.57" not in calls, f"an INVITE of VLAN {OTHER_VLAN} is not forwarded")
    untagged_out = [f for f in out if Dot1Q not in f or f[Dot1Q].vlan != VLAN]
    check(not untagged_out, f"every frame out is tagged {VLAN} ({len(untagged_out)} are not)")
    dropped = counter(log, "net DROP_VLAN")
    check(dropped == len(foreign), f"the {len(foreign)} frames not of VLAN {VLAN} are dropped and counted "
          f"(DROP_VLAN {dropped})")


def main():
    binary, data_dir, policies = sys.argv[1:4]
    run_untagged(binary, data_dir, policies)
    run_tagged(binary, data_dir, policies)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
