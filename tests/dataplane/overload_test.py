#!/usr/bin/python3
"""
overload_test.py - emergency calls first: the real e911-dataplane replays a
capture of new INVITEs, 95% ordinary and 5% emergency (each with its own
Call-ID), as fast as one worker can take them (net_pcap, infinite_rx=1:
every RX burst comes back full, so the worker is overloaded by construction)
for a few seconds. Ordinary INVITEs must be shed with 503 + Retry-After;
every emergency INVITE received must be forwarded and sent. A brief backlog
(the capture once, all at once) must not be shed, --overload-ms 0 never
sheds, and a bad --overload-ms is refused.
Usage: overload_test.py E911_DATAPLANE POLICIES.xml
"""
import os
import re
import subprocess
import sys
import tempfile

from scapy.all import IP, UDP, Ether, Raw, wrpcap  # noqa

PER_PCAP, EMERGENCY_EVERY = 400, 20


def invite(i, emergency):
    target = "9911" if emergency else "+14255550199"
    body = b"v=0\r\no=- 1 1 IN IP4 198.18.10.25\r\ns=-\r\nc=IN IP4 198.18.10.25\r\nt=0 0\r\n" \
        b"m=audio 40000 RTP/AVP 0\r\n"
    msg = (f"INVITE sip:{target}@198.18.0.10;user=phone SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP 198.18.10.25:5060;branch=z9hG4bK-ov-{i}\r\n"
           f"Max-Forwards: 70\r\nFrom: <sip:caller{i}@example.com>;tag=t{i}\r\n"
           f"To: <sip:{target}@example.com>\r\nCall-ID: overload-{i}@198.18.10.25\r\n"
           f"CSeq: 1 INVITE\r\nContact: <sip:caller{i}@198.18.10.25>\r\n"
           f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    return Ether(src="02:00:00:00:10:25", dst="02:00:00:00:00:10") / \
        IP(src="198.18.10.25", dst="198.18.0.10") / UDP(sport=5060, dport=5060) / Raw(msg)


def counter(log, name):
    m = re.search(r"^e911-dataplane:\s+" + name + r"\s+(\d+)", log, re.M)
    return int(m.group(1)) if m else 0


def run(binary, policies, pcap, infinite, extra=()):
    """The dataplane on PCAP (replayed forever if INFINITE, else once); (status, log)."""
    vdev = f"net_pcap0,rx_pcap={pcap}" + (",infinite_rx=1" if infinite else "")
    cmd = [binary, "--no-huge", "-m", "1024", "-l", "0-1", "--no-pci", "--no-shconf",
           "--vdev", vdev, "--",
           "--config", policies, "--sip-address", "198.18.0.10/15",
           "--default-hop", "198.19.1.1:5080", "--retry-after", "9",
           "--neighbour", "198.19.1.1=02:00:00:00:01:01", "--neighbour", "198.19.0.20=02:00:00:00:00:20",
           "--neighbour", "198.19.0.21=02:00:00:00:00:21", "--neighbour", "198.18.10.25=02:00:00:00:10:25",
           *extra]
    if not infinite:
        cmd += ["--stop-after-idle", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        log, _ = proc.communicate(timeout=4 if infinite else 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(2)
        log, _ = proc.communicate(timeout=60)
    return proc.returncode, log


def main():
    binary, policies = sys.argv[1:3]
    results = []

    def check(ok, what, log=""):
        results.append(ok)
        print(("ok   " if ok else "FAIL ") + what)
        if not ok and log:
            print(log)

    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "invites.pcap")
        wrpcap(pcap, [invite(i, i % EMERGENCY_EVERY == 0) for i in range(PER_PCAP)])

        # A sustained backlog (default --overload-ms): ordinary INVITEs shed, emergency ones all sent.
        status, log = run(binary, policies, pcap, True)
        rx = counter(log, "rx_packets")
        emergency = counter(log, "FWD_EMERGENCY")
        shed = counter(log, "REPLY_SHED")
        ordinary = counter(log, "FWD_ORDINARY")
        unsent = counter(log, "emergency_unsent")
        expected = rx // EMERGENCY_EVERY
        check(status == 0, f"e911-dataplane stops cleanly on SIGINT (status {status})", log)
        check(rx > 10 * PER_PCAP, f"offered load: {rx} INVITEs", log)
        check(abs(emergency - expected) <= PER_PCAP // EMERGENCY_EVERY,
              f"every emergency INVITE forwarded: {emergency} of about {expected}", log)
        check(unsent == 0, f"no emergency INVITE lost on the way out ({unsent})", log)
        check(shed > 0.5 * (rx - expected), f"ordinary INVITEs shed with 503: {shed} (forwarded {ordinary})", log)

        # A brief backlog: the 400 INVITEs at once fill every RX burst for about a millisecond
        # (a count of full bursts called that overload); nothing may be shed. 200 ms keeps a
        # worker that loses its CPU on a loaded test host from making a brief backlog long.
        status, log = run(binary, policies, pcap, False, ["--overload-ms", "200"])
        check(status == 0 and counter(log, "rx_packets") == PER_PCAP and counter(log, "REPLY_SHED") == 0
              and counter(log, "FWD_ORDINARY") + counter(log, "FWD_EMERGENCY") == PER_PCAP,
              f"a brief burst of {PER_PCAP} INVITEs is forwarded, none shed "
              f"(shed {counter(log, 'REPLY_SHED')})", log)

        # --overload-ms 0: never shed for a backlog, however long.
        status, log = run(binary, policies, pcap, True, ["--overload-ms", "0"])
        check(status == 0 and counter(log, "rx_packets") > 10 * PER_PCAP and counter(log, "REPLY_SHED") == 0,
              f"--overload-ms 0 never sheds (shed {counter(log, 'REPLY_SHED')} of {counter(log, 'rx_packets')})", log)

        # A bad value is refused with a clear message, exit status 2.
        for bad in ("ten", "-1", "60001"):
            status, log = run(binary, policies, pcap, False, ["--overload-ms", bad])
            check(status == 2 and "--overload-ms" in log and "milliseconds" in log,
                  f"--overload-ms {bad} refused (status {status})", log)
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
