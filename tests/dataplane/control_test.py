#!/usr/bin/python3
"""
control_test.py - the dataplane's control channel (include/e911/control_channel.h)
from the client's side, against a running e911-dataplane:
version; a bad configuration refused with its errors and nothing changed; a
good one applied as the next snapshot; gateway health (and its errors);
stats as JSON; an unknown command; then every pushed event for SECONDS,
written one per line to EVENTS_OUT.
Usage: control_test.py SOCKET POLICIES.xml EVENTS_OUT SECONDS
Prints ok/FAIL lines and "N passed, N failed"; exits 1 on a failure.
"""
import json
import socket
import sys
import time

results = []


def check(ok, what):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + what, flush=True)


class Channel:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(50):
            try:
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.1)
        self.buf = b""
        self.events = []

    def line(self, timeout=10.0):
        self.s.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("the dataplane closed the channel")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def request(self, text, payload=b""):
        self.s.sendall(text.encode() + b"\n" + payload)
        while True:
            line = self.line()
            if line.startswith("event "):
                self.events.append(line)
                continue
            return line


def main():
    path, policies, events_out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    ch = Channel(path)
    first = ch.request("version")
    check(first.startswith("ok version=1 config="), f"version: {first}")
    with open(policies, "rb") as f:
        xml = f.read()
    bad = xml.replace(b'route="us-e911"', b'route="nowhere"', 1)
    answer = ch.request(f"config {len(bad)}", bad)
    check(answer.startswith("error ") and "nowhere" in answer, f"a bad configuration is refused: {answer[:120]}")
    check(ch.request("version") == first, "and nothing changed")
    good = xml.replace(b'version="lab-1"', b'version="lab-2"')
    answer = ch.request(f"config {len(good)}", good)
    check(answer == "ok version=2 config=lab-2", f"a good one becomes snapshot 2: {answer}")
    check(ch.request("health us-e911 0 down") == "ok", "a gateway marked down")
    check(ch.request("health us-e911 0 up") == "ok", "and up again")
    check(ch.request("health nowhere 0 up").startswith("error no route"), "health of an unknown route")
    check(ch.request("health us-e911 7 up").startswith("error route us-e911 has 1"), "health of a gateway too far")
    check(ch.request("health us-e911 0 sideways").startswith("error usage"), "health with a bad state")
    stats = ch.request("stats")
    try:
        doc = json.loads(stats[3:])
        check(stats.startswith("ok ") and "rx_packets" in doc["total"] and doc["snapshot"] == 2,
              "stats: JSON with totals, workers, policies")
    except ValueError:
        check(False, f"stats is JSON: {stats[:80]}")
    check(ch.request("reboot").startswith("error unknown command"), "an unknown command")
    print("listening for events", flush=True)
    end = time.time() + seconds
    while time.time() < end:
        try:
            line = ch.line(timeout=max(0.1, end - time.time()))
            if line.startswith("event "):
                ch.events.append(line)
        except (socket.timeout, TimeoutError):
            break
        except EOFError:
            break
    with open(events_out, "w") as f:
        for e in ch.events:
            f.write(e + "\n")
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed", flush=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
