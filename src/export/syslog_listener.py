#!/usr/bin/env python3
"""A syslog collector for the SIEM forwarding test: listens on loopback (UDP,
TCP with RFC 6587 octet counting or LF framing, or TLS per RFC 5425), writes
the port it got to PORTFILE, and writes every message it receives as one JSON
string per line to OUTFILE until COUNT messages arrived or 30 s passed.

  syslog_listener.py udp|tcp|tcp-lf|tls PORTFILE OUTFILE COUNT [CERT KEY]
"""
import json, socket, ssl, sys

mode, portfile, outfile, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
messages = []

def save():
    with open(outfile, "w") as f:
        for m in messages:
            f.write(json.dumps(m) + "\n")

def read_frames(conn, lf):
    buf = b""
    while len(messages) < count:
        chunk = conn.recv(65536)
        if not chunk:
            break
        buf += chunk
        while True:
            if lf:
                i = buf.find(b"\n")
                if i < 0:
                    break
                messages.append(buf[:i].decode("utf-8")); buf = buf[i + 1:]
            else:
                sp = buf.find(b" ")
                if sp < 0:
                    break
                n = int(buf[:sp])  # octet count: digits then one space
                if len(buf) < sp + 1 + n:
                    break
                messages.append(buf[sp + 1:sp + 1 + n].decode("utf-8")); buf = buf[sp + 1 + n:]
    if buf:
        raise SystemExit("listener: %d bytes left over after the last frame" % len(buf))

kind = socket.SOCK_DGRAM if mode == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
s.settimeout(30)
if mode != "udp":
    s.listen(1)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(portfile + ".tmp", portfile)
try:
    if mode == "udp":
        while len(messages) < count:
            data, _ = s.recvfrom(65536)
            messages.append(data.decode("utf-8"))
    else:
        conn, _ = s.accept()
        conn.settimeout(30)
        if mode == "tls":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(sys.argv[5], sys.argv[6])
            conn = ctx.wrap_socket(conn, server_side=True)
        read_frames(conn, mode == "tcp-lf")
except (socket.timeout, ssl.SSLError, ConnectionError) as e:
    messages.append("LISTENER-ERROR %s" % e)
save()
