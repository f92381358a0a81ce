#!/usr/bin/python3
"""
e911ctl_test.py - e911ctl against a stand-in control socket that records the
lines it gets and answers as e911-control does (lines, then an empty line):
the line sent (words re-quoted, --json), the answer printed, exit statuses
(0 answer, 1 error answer, 2 no answer; health 0/1/2), a script on stdin,
an unreachable socket, a server that never answers.
Usage: e911ctl_test.py E911CTL
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading

e911ctl = sys.argv[1]
results = []
received = []
answers = {}


def check(ok, what):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def serve(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        threading.Thread(target=client, args=(conn,), daemon=True).start()


def client(conn):
    buf = b""
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode()
                received.append(text)
                answer = answers.get(text.split(" ")[0], "plain answer\nsecond line")
                if answer is None:
                    continue  # never answer: the client must time out
                conn.sendall(answer.encode() + b"\n\n")


def run(*args, stdin=None):
    p = subprocess.run([e911ctl, "--socket", path, *args], input=stdin, capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "ctl.sock")
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(8)
threading.Thread(target=serve, args=(server,), daemon=True).start()

rc, out, _ = run("show", "policies")
check(rc == 0 and out == "plain answer\nsecond line\n", f"an answer is printed without its empty line, exit 0 ({rc})")
check(received[-1] == "show policies", f"the words go as one line: {received[-1]!r}")
run("set", "policy", "Redmond", "description", 'a "quoted" text\\')
check(received[-1] == 'set policy Redmond description "a \\"quoted\\" text\\\\"',
      f"a word with blanks or quotes is quoted again: {received[-1]!r}")
run("--json", "show", "calls", "5")
check(received[-1] == "show calls 5 json", f"--json asks a show for its JSON form: {received[-1]!r}")
run("--json", "set", "policy", "X", "tag", "Y")
check(received[-1] == "set policy X tag Y", "--json leaves other commands alone")
answers["del"] = "error: no policy named \"X\""
rc, out, _ = run("del", "policy", "X")
check(rc == 1 and out.startswith("error: "), f"an error answer exits 1 ({rc})")
for state, want in (("ok: fine", 0), ("degraded: a gateway is down", 1), ("down: no dataplane", 2)):
    answers["health"] = state
    rc, out, _ = run("health")
    check(rc == want, f"health '{state.split(':')[0]}' exits {want} ({rc})")
answers["health"] = "ok"
rc, out, _ = run(stdin="show version\n\nhealth\n")
check(rc == 0 and received[-2:] == ["show version", "health"], f"a script on stdin: one line each, exit 0 ({rc})")
rc, out, _ = run(stdin="show version\ndel policy X\nhealth\n")
check(rc == 1 and received[-1] == "health", f"a script with an error answer goes on and exits 1 ({rc})")
p = subprocess.run([e911ctl, "--socket", os.path.join(tmp, "nothing.sock"), "health"], capture_output=True, text=True)
check(p.returncode == 2, f"an unreachable socket exits 2, health too ({p.returncode})")
p = subprocess.run([e911ctl, "--socket", os.path.join(tmp, "nothing.sock"), "show", "stats"],
                   capture_output=True, text=True)
check(p.returncode == 2 and "nothing.sock" in p.stderr, "and says which socket it could not reach")
answers["reload"] = None
p = subprocess.run([e911ctl, "--socket", path, "--timeout", "1", "reload"], capture_output=True, text=True, timeout=30)
check(p.returncode == 2 and "no answer" in p.stderr, f"no answer within --timeout exits 2 ({p.returncode})")
p = subprocess.run([e911ctl, "--bogus"], capture_output=True, text=True)
check(p.returncode == 2, "an unknown option exits 2")
p = subprocess.run([e911ctl, "--help"], capture_output=True, text=True)
check(p.returncode == 0 and "Usage: e911ctl" in p.stdout, "--help on stdout")

server.close()
os.unlink(path)
os.rmdir(tmp)
print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
