#!/usr/bin/python3
"""
ping.py - one ICMP or ICMPv6 echo through the kernel (raw socket, root), for
the namespace tests on hosts without ping(8): the kernel resolves the
neighbour (ARP or ND) first, so a reply proves both.
Usage: ping.py ADDRESS [TIMEOUT_SECONDS]; exit 0 when the reply came.
"""
import os
import select
import socket
import struct
import sys
import time


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def main():
    addr, timeout = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    v6 = ":" in addr
    ident, payload = os.getpid() & 0xffff, b"e911proxy ping"
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        packet = struct.pack("!BBHHH", 128, 0, 0, ident, 1) + payload  # the kernel sums ICMPv6
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        head = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
        packet = struct.pack("!BBHHH", 8, 0, checksum(head + payload), ident, 1) + payload
    s.sendto(packet, (addr, 0))
    end = time.time() + timeout
    while time.time() < end:
        if not select.select([s], [], [], end - time.time())[0]:
            break
        data, _ = s.recvfrom(2048)
        icmp = data if v6 else data[(data[0] & 0x0f) * 4:]
        kind, _, _, rid, seq = struct.unpack("!BBHHH", icmp[:8])
        if kind == (129 if v6 else 0) and rid == ident and seq == 1 and icmp[8:] == payload:
            print(f"echo reply from {addr}")
            return 0
    print(f"no echo reply from {addr} in {timeout} s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
