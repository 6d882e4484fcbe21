#!/usr/bin/python3
"""Simulated Buildbot workers for load and hostile-input tests.

Speaks msgpack_experimental_v7 the way buildbot-worker 3.7 does: HTTP upgrade
with Basic auth on `GET /`, masked binary WebSocket frames, one msgpack map per
frame. Many workers run in one process (asyncio, raw sockets, WebSocket client
framing written here; only Debian's python3 and python3-msgpack are needed).

What each simulated worker answers (like the real one):
  print, keepalive, set_worker_settings, interrupt_command -> nil
  get_worker_info -> basedir, system "posix", environ {}, numcpus, version
                     "3.7.0", worker_commands, delete_leftover_dirs false,
                     admin, host, os_id, os_version_id
  start_command listdir -> update [["files", []], ["rc", 0]], complete nil,
                           then the response nil (the real worker also often
                           sends update/complete before its response)
  start_command mkdir   -> update [["rc", 0]], complete nil, response nil
  start_command other   -> error response (not simulated)
  shutdown -> nil, then closes the connection 0.2 s later (no reconnect)
  any other op -> error response "Command OP does not exist."
Messages without `op` or `seq_number` are ignored, text frames are ignored,
pings are answered with pongs.

ATTACHED: a worker counts as attached when it answers a `print` that arrives
after one of its start_command (listdir or mkdir) has completed. That is the
master's final `print` of the attach sequence (print, get_worker_info,
set_worker_settings, listdir, [mkdir], print).

Report (--report-json): one JSON line on stdout (with --hold a second one
when the hold ends):
  {"count", "attached", "refused" (workers that got at least one HTTP refusal),
   "refusals" (all refusals), "http_statuses" {status: n}, "connect_errors",
   "never_attached", "never_attached_names" (first 20),
   "disconnects_after_attach", "keepalives", "error_responses",
   "latency_s" {"min","p50","p90","p99","max"} (start of a worker's first
   connect attempt to its attach), "elapsed_s"}
Exit status: 0 when every worker attached, 1 otherwise, 2 on bad usage.

Hostile mode (--hostile MODE) opens ONE connection as the first worker name,
sends one bad input and reports what the master did as one JSON line:
  {"mode", "outcome", "http_status", "closed", "close_code", "error_response",
   "attached", "elapsed_s", "detail"}
outcome is "http-NNN" (an HTTP answer), "closed" (the master closed the
connection; before the upgrade: without an HTTP answer), "error-response"
(the master answered the bad message with is_exception), "attached" (the
input was ignored and the attach completed), "open" (none of those within
--hostile-wait seconds) or "connect-failed".
After a post-upgrade bad input the client keeps acting as a normal worker, so
an ignored message shows up as "attached".
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import resource
import signal
import struct
import sys
import time

import msgpack

WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HEADER = 64 * 1024
MAX_INCOMING_FRAME = 64 * 1024 * 1024

PRE_UPGRADE_MODES = {
    "malformed-http": "a request line that is not HTTP",
    "oversized-header": "a 70 KiB header line in the upgrade request",
    "incomplete-http": "half an upgrade request, then silence",
    "no-auth": "an upgrade request without Authorization",
    "bad-basic": "Authorization that is not Basic (Bearer)",
    "basic-no-colon": "Basic credentials without a colon",
    "wrong-password": "the right name with a wrong password",
    "unknown-worker": "a name the master does not know",
}
POST_UPGRADE_MODES = {
    "unmasked-frame": "a binary frame without the client mask",
    "oversized-frame": "a binary frame announcing 17 MiB (64 KiB sent)",
    "reserved-opcode": "a frame with reserved opcode 0x3",
    "rsv-bits": "a binary frame with RSV1 set (no extension agreed)",
    "invalid-msgpack": "a binary frame holding the byte 0xc1",
    "truncated-msgpack": "a binary frame holding half a msgpack map",
    "non-map": "a msgpack array instead of a map",
    "invalid-utf8": "a map whose op string is not UTF-8",
    "deep-nesting": "a map nesting 100 arrays",
    "ext-type": "a map holding a msgpack ext value",
    "missing-op": "a map with seq_number but no op",
    "missing-seq": "a map with op but no seq_number",
    "text-frame": "a text frame",
    "unknown-op": "a request with an op the master does not have",
    "unknown-response": "a response to a seq_number the master never used",
    "unknown-command-update": "an update for a command_id the master never started",
}


def log(args, text):
    if args.verbose:
        print("simworker: " + text, file=sys.stderr, flush=True)


def mask_payload(key, data):
    n = len(data)
    if n == 0:
        return data
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "little") ^ int.from_bytes(k, "little")).to_bytes(n, "little")


def frame_bytes(opcode, payload, mask=True, fin=True, rsv=0, announce=None):
    """One WebSocket frame. `announce` overrides the length in the header."""
    length = len(payload) if announce is None else announce
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    mbit = 0x80 if mask else 0
    if length < 126:
        head = struct.pack("!BB", b0, mbit | length)
    elif length < 65536:
        head = struct.pack("!BBH", b0, mbit | 126, length)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + mask_payload(key, payload)


class Closed(Exception):
    def __init__(self, why, code=None):
        super().__init__(why)
        self.code = code


class WebSocket:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.closed = False

    async def send(self, opcode, payload):
        if self.closed:
            return
        self.writer.write(frame_bytes(opcode, payload))
        await self.writer.drain()

    async def send_raw(self, data):
        self.writer.write(data)
        await self.writer.drain()

    async def read_frame(self):
        head = await self.reader.readexactly(2)
        fin, opcode = head[0] & 0x80, head[0] & 0x0F
        masked, length = head[1] & 0x80, head[1] & 0x7F
        if length == 126:
            length = struct.unpack("!H", await self.reader.readexactly(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
        if length > MAX_INCOMING_FRAME:
            raise Closed("master sent a frame of %d bytes" % length)
        key = await self.reader.readexactly(4) if masked else None
        payload = await self.reader.readexactly(length)
        if key:
            payload = mask_payload(key, payload)
        return bool(fin), opcode, payload

    async def recv(self):
        """The next text or binary message as (opcode, payload); raises Closed."""
        parts, first_opcode = [], None
        try:
            while True:
                fin, opcode, payload = await self.read_frame()
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    try:
                        await self.send(0x8, payload[:2])
                    except OSError:
                        pass
                    self.closed = True
                    raise Closed("close frame", code)
                if opcode == 0x9:
                    await self.send(0xA, payload)
                    continue
                if opcode == 0xA:
                    continue
                if opcode in (0x1, 0x2):
                    parts, first_opcode = [payload], opcode
                elif opcode == 0x0 and first_opcode is not None:
                    parts.append(payload)
                else:
                    raise Closed("master sent opcode %d" % opcode)
                if fin:
                    return first_opcode, b"".join(parts)
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as e:
            self.closed = True
            raise Closed("connection lost: %s" % type(e).__name__)

    def abort(self):
        self.closed = True
        try:
            self.writer.close()
        except Exception:
            pass


def basic_auth(name, password):
    token = base64.b64encode(name.encode() + b":" + password.encode()).decode()
    return "Basic " + token


def upgrade_request(host, port, authorization, key, extra=""):
    lines = [
        "GET / HTTP/1.1",
        "User-Agent: AutobahnPython/22.7.1",
        "Host: %s:%d" % (host, port),
        "Upgrade: WebSocket",
        "Connection: Upgrade",
        "Pragma: no-cache",
        "Cache-Control: no-cache",
        "Sec-WebSocket-Key: " + key,
        "Sec-WebSocket-Version: 13",
    ]
    if authorization is not None:
        lines.append("Authorization: " + authorization)
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def read_http_response(reader):
    """(status, headers dict) of the master's answer; raises on EOF/garbage."""
    raw = await reader.readuntil(b"\r\n\r\n")
    lines = raw.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ValueError("not an HTTP response: %r" % lines[0][:80])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return int(parts[1]), headers


async def open_websocket(host, port, name, password):
    """Connects and upgrades. Returns (WebSocket or None, http status)."""
    reader, writer = await asyncio.open_connection(host, port, limit=MAX_HEADER)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(upgrade_request(host, port, basic_auth(name, password), key))
    await writer.drain()
    try:
        status, headers = await read_http_response(reader)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, OSError):
        writer.close()
        return None, None
    if status != 101:
        writer.close()
        return None, status
    accept = base64.b64encode(hashlib.sha1(key.encode() + WS_GUID).digest()).decode()
    if headers.get("sec-websocket-accept") != accept:
        writer.close()
        return None, -101
    return WebSocket(reader, writer), 101


class Session:
    """The worker side of one upgraded connection."""

    def __init__(self, ws, name, args, on_attached=None):
        self.ws = ws
        self.name = name
        self.args = args
        self.on_attached = on_attached
        self.seq = 0
        self.commands_done = 0
        self.attached = False
        self.keepalives = 0
        self.error_responses = {}  # our seq_number -> error text from the master
        self.shutdown = False
        self.update_lines = {}  # seq_number of a streamed update -> its last line number
        self.acked_through = -1  # every streamed line up to this one was acknowledged
        self.acked_reported = -1

    async def send(self, msg):
        await self.ws.send(0x2, msgpack.packb(msg))

    async def request(self, op, **fields):
        msg = dict(op=op, **fields)
        msg["seq_number"] = self.seq
        self.seq += 1
        await self.send(msg)
        return msg["seq_number"]

    async def respond(self, msg, result, is_exception=False):
        out = {"op": "response", "seq_number": msg["seq_number"], "result": result}
        if is_exception:
            out["is_exception"] = True
        await self.send(out)

    def worker_info(self):
        return {
            "admin": "Sim Admin <sim@example.org>\n",
            "host": "simhost %s\n" % self.name,
            "os_id": "debian",
            "os_version_id": "12",
            "environ": {},
            "system": "posix",
            "basedir": "/sim/%s" % self.name,
            "numcpus": 2,
            "version": "3.7.0",
            "worker_commands": {
                n: "3.3"
                for n in ("shell", "mkdir", "rmdir", "cpdir", "stat", "glob", "listdir",
                          "rmfile", "upload_file", "upload_directory", "download_file")
            },
            "delete_leftover_dirs": False,
        }

    async def start_command(self, msg):
        name, cid = msg.get("command_name"), msg.get("command_id")
        if cid is None or "args" not in msg:
            await self.respond(msg, "message did not contain obligatory key", True)
            return
        if name == "listdir":
            updates = [["files", []], ["rc", 0]]
        elif name == "mkdir":
            updates = [["rc", 0]]
        elif name == "shell" and self.args.stream_lines:
            await self.respond(msg, None)
            asyncio.create_task(self.stream_shell(cid))
            return
        else:
            await self.respond(msg, "simworker does not run '%s'" % name, True)
            return
        await self.request("update", args=updates, command_id=cid)
        await self.request("complete", args=None, command_id=cid)
        self.commands_done += 1
        await self.respond(msg, None)

    async def stream_shell(self, cid):
        """Streams 'line N' stdout lines like the real worker (updates sent without
        waiting for their answers), then rc 0 and complete. Reports, as JSON lines,
        the highest line up to which every update was acknowledged."""
        per = max(1, self.args.lines_per_update)
        try:
            for first in range(0, self.args.stream_lines, per):
                last = min(first + per, self.args.stream_lines) - 1
                text = "".join("line %d\n" % n for n in range(first, last + 1))
                offsets = [i for i, c in enumerate(text) if c == "\n"]
                now = time.time()
                seq = await self.request("update", command_id=cid,
                                         args=[["stdout", [text, offsets, [now] * len(offsets)]]])
                self.update_lines[seq] = last
                await asyncio.sleep(self.args.stream_interval)
            await self.request("update", command_id=cid, args=[["rc", 0]])
            await self.request("complete", command_id=cid, args=None)
        except (ConnectionError, OSError):
            pass

    def note_ack(self, seq):
        last = self.update_lines.pop(seq, None)
        if last is None:
            return
        # Acks arrive in order; a line counts once every update before it was answered.
        if not any(s < seq for s in self.update_lines):
            self.acked_through = max(self.acked_through, last)
        if self.acked_through >= self.acked_reported + self.args.report_every:
            self.acked_reported = self.acked_through
            print(json.dumps({"event": "acked", "worker": self.name,
                              "acked_through": self.acked_through}), flush=True)

    async def handle(self, msg):
        if not isinstance(msg, dict) or "op" not in msg or "seq_number" not in msg:
            log(self.args, "%s: ignored message %r" % (self.name, msg))
            return
        op = msg["op"]
        if op == "print":
            await self.respond(msg, None)
            if self.commands_done > 0 and not self.attached:
                self.attached = True
                if self.on_attached:
                    self.on_attached()
        elif op == "keepalive":
            self.keepalives += 1
            await self.respond(msg, None)
        elif op == "get_worker_info":
            await self.respond(msg, self.worker_info())
        elif op == "set_worker_settings":
            a = msg.get("args")
            need = ("buffer_size", "buffer_timeout", "newline_re", "max_line_length")
            if not isinstance(a, dict) or any(k not in a for k in need):
                await self.respond(msg, "message did not contain obligatory settings", True)
            else:
                await self.respond(msg, None)
        elif op == "start_command":
            await self.start_command(msg)
        elif op == "interrupt_command":
            await self.respond(msg, None)
        elif op == "shutdown":
            await self.respond(msg, None)
            self.shutdown = True
            await asyncio.sleep(0.2)
            raise Closed("shutdown requested")
        elif op == "response":
            if msg.get("is_exception"):
                self.error_responses[msg["seq_number"]] = msg.get("result")
                self.update_lines.pop(msg["seq_number"], None)
            else:
                self.note_ack(msg["seq_number"])
        else:
            await self.respond(msg, "Command %s does not exist." % op, True)

    async def run(self):
        """Serves until the connection ends; returns the Closed that ended it."""
        try:
            while True:
                opcode, payload = await self.ws.recv()
                if opcode != 0x2:
                    continue
                try:
                    msg = msgpack.unpackb(payload, raw=False)
                except Exception as e:  # the real worker would drop the connection
                    raise Closed("undecodable message from master: %s" % e)
                await self.handle(msg)
        except Closed as c:
            self.ws.abort()
            return c
        except (ConnectionError, OSError) as e:
            self.ws.abort()
            return Closed("connection lost: %s" % type(e).__name__)
        except asyncio.CancelledError:
            self.ws.abort()
            raise


class Stats:
    def __init__(self, count):
        self.count = count
        self.attached_at = {}  # index -> seconds from start to first attach
        self.refused_workers = set()
        self.refusals = 0
        self.http_statuses = {}
        self.connect_errors = 0
        self.disconnects_after_attach = 0
        self.keepalives = 0
        self.error_responses = 0
        self.all_attached = asyncio.Event()

    def report(self, names, elapsed):
        lat = sorted(self.attached_at.values())

        def pct(p):
            if not lat:
                return None
            return round(lat[min(len(lat) - 1, int(p / 100.0 * len(lat)))], 4)

        never = [names[i] for i in range(self.count) if i not in self.attached_at]
        return {
            "count": self.count,
            "attached": len(self.attached_at),
            "refused": len(self.refused_workers),
            "refusals": self.refusals,
            "http_statuses": {str(k): v for k, v in sorted(self.http_statuses.items())},
            "connect_errors": self.connect_errors,
            "never_attached": len(never),
            "never_attached_names": never[:20],
            "disconnects_after_attach": self.disconnects_after_attach,
            "keepalives": self.keepalives,
            "error_responses": self.error_responses,
            "latency_s": {"min": round(lat[0], 4) if lat else None, "p50": pct(50),
                          "p90": pct(90), "p99": pct(99),
                          "max": round(lat[-1], 4) if lat else None},
            "elapsed_s": round(elapsed, 3),
        }


async def sim_worker(i, name, password, args, stats, t0, stop):
    delay = i / args.rate if args.rate > 0 else 0
    if delay:
        await asyncio.sleep(delay)
    started = time.monotonic()

    def attached():
        if i not in stats.attached_at:
            stats.attached_at[i] = time.monotonic() - started
            log(args, "%s attached" % name)
            if len(stats.attached_at) == stats.count:
                stats.all_attached.set()

    while not stop.is_set():
        try:
            ws, status = await open_websocket(args.host, args.port, name, password)
        except OSError:
            ws, status = None, None
            stats.connect_errors += 1
        if ws is None:
            if status is not None:
                stats.refusals += 1
                stats.refused_workers.add(i)
                stats.http_statuses[status] = stats.http_statuses.get(status, 0) + 1
            log(args, "%s refused (%s)" % (name, status))
            if not args.retry:
                return
        else:
            session = Session(ws, name, args, attached)
            ended = await session.run()
            if args.stream_lines:
                print(json.dumps({"event": "closed", "worker": name,
                                  "acked_through": session.acked_through}), flush=True)
            stats.keepalives += session.keepalives
            stats.error_responses += len(session.error_responses)
            if session.attached:
                stats.disconnects_after_attach += 1
            log(args, "%s disconnected: %s" % (name, ended))
            if session.shutdown or not args.retry:
                return
        await asyncio.sleep(random.uniform(1.0, 2.0))


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(wanted, soft)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def worker_names(args):
    names, passwords = [], []
    for i in range(args.count):
        name = args.name_format.format(i=i)
        names.append(name)
        if args.password_format:
            passwords.append(args.password_format.format(i=i, name=name))
        elif args.password_env:
            passwords.append(os.environ.get(args.password_env, ""))
        else:
            passwords.append(args.password)
    return names, passwords


async def run_load(args):
    names, passwords = worker_names(args)
    stats = Stats(args.count)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    t0 = time.monotonic()
    tasks = [asyncio.create_task(sim_worker(i, names[i], passwords[i], args, stats, t0, stop))
             for i in range(args.count)]
    waiters = [asyncio.create_task(stop.wait())]
    if args.until_attached:
        waiters.append(asyncio.create_task(stats.all_attached.wait()))
    if args.duration is not None:
        limit = args.duration
    elif args.until_attached:
        limit = args.timeout
    else:
        limit = None  # until SIGTERM/SIGINT
    done_all = asyncio.gather(*tasks)
    waiters.append(done_all)
    await asyncio.wait(waiters, timeout=limit, return_when=asyncio.FIRST_COMPLETED)
    elapsed = time.monotonic() - t0
    report = stats.report(names, elapsed)
    print_report(args, report)
    if args.hold and not stop.is_set():
        # Keep the connections (and keep answering) until --hold runs out or a signal.
        try:
            await asyncio.wait_for(stop.wait(), args.hold)
        except asyncio.TimeoutError:
            pass
        print_report(args, stats.report(names, time.monotonic() - t0))
    stop.set()
    for t in tasks + waiters:
        t.cancel()
    await asyncio.gather(*tasks, *waiters, return_exceptions=True)
    return 0 if report["attached"] == args.count else 1


def print_report(args, report):
    if args.report_json:
        print(json.dumps(report), flush=True)
    else:
        print("attached %d of %d, refused %d, never attached %d, p50 %s s, max %s s" % (
            report["attached"], report["count"], report["refused"], report["never_attached"],
            report["latency_s"]["p50"], report["latency_s"]["max"]), flush=True)


async def hostile_pre_upgrade(args, mode, name, password, result, t0):
    reader, writer = await asyncio.open_connection(args.host, args.port, limit=MAX_HEADER)
    key = base64.b64encode(os.urandom(16)).decode()
    auth = basic_auth(name, password)
    if mode == "malformed-http":
        data = b"THIS IS NOT HTTP AT ALL\r\n\r\n"
    elif mode == "oversized-header":
        data = upgrade_request(args.host, args.port, auth, key, "X-Filler: " + "a" * 70000)
    elif mode == "incomplete-http":
        data = upgrade_request(args.host, args.port, auth, key)[:40]
    elif mode == "no-auth":
        data = upgrade_request(args.host, args.port, None, key)
    elif mode == "bad-basic":
        data = upgrade_request(args.host, args.port, "Bearer abcdef", key)
    elif mode == "basic-no-colon":
        data = upgrade_request(args.host, args.port,
                               "Basic " + base64.b64encode(name.encode()).decode(), key)
    elif mode == "wrong-password":
        data = upgrade_request(args.host, args.port, basic_auth(name, password + "-wrong"), key)
    else:  # unknown-worker
        data = upgrade_request(args.host, args.port, basic_auth("no-such-worker-x", password), key)
    try:
        writer.write(data)
        await writer.drain()
    except OSError as e:
        result.update(outcome="closed", closed=True, detail="write failed: %s" % e)
        return
    try:
        status, _ = await asyncio.wait_for(read_http_response(reader), args.hostile_wait)
        result.update(outcome="http-%d" % status, http_status=status)
    except asyncio.TimeoutError:
        result.update(outcome="open", detail="no answer within %ss" % args.hostile_wait)
        writer.close()
        return
    except (asyncio.IncompleteReadError, ConnectionError, OSError):
        result.update(outcome="closed", closed=True, detail="closed without an HTTP answer")
        writer.close()
        return
    except (asyncio.LimitOverrunError, ValueError) as e:
        result.update(outcome="garbage", detail=str(e)[:200])
        writer.close()
        return
    # After a refusal the master should close the connection.
    try:
        while await asyncio.wait_for(reader.read(4096), 5):
            pass
        result["closed"] = True
    except (asyncio.TimeoutError,):
        result["closed"] = False
    except (ConnectionError, OSError):
        result["closed"] = True
    writer.close()


def bad_payload(mode):
    """(opcode, payload, frame options) for a post-upgrade mode."""
    if mode == "unmasked-frame":
        return frame_bytes(0x2, msgpack.packb({"op": "keepalive", "seq_number": 0}), mask=False)
    if mode == "oversized-frame":
        return frame_bytes(0x2, b"\x00" * 65536, announce=17 * 1024 * 1024)[:14 + 65536]
    if mode == "reserved-opcode":
        return frame_bytes(0x3, b"hello")
    if mode == "rsv-bits":
        return frame_bytes(0x2, msgpack.packb({"op": "keepalive", "seq_number": 0}), rsv=4)
    if mode == "invalid-msgpack":
        return frame_bytes(0x2, b"\xc1")
    if mode == "truncated-msgpack":
        return frame_bytes(0x2, msgpack.packb({"op": "update", "seq_number": 0})[:7])
    if mode == "non-map":
        return frame_bytes(0x2, msgpack.packb([1, 2, 3]))
    if mode == "invalid-utf8":
        return frame_bytes(0x2, b"\x82\xa2op\xa2\xff\xfe\xaaseq_number\x00")
    if mode == "deep-nesting":
        return frame_bytes(0x2, b"\x82\xa2op\xa6update\xaaseq_number" + b"\x91" * 100 + b"\x00")
    if mode == "ext-type":
        return frame_bytes(0x2, b"\x82\xa2op\xd4\x01\x00\xaaseq_number\x00")
    if mode == "missing-op":
        return frame_bytes(0x2, msgpack.packb({"seq_number": 0, "args": None}))
    if mode == "missing-seq":
        return frame_bytes(0x2, msgpack.packb({"op": "update", "command_id": "1", "args": []}))
    if mode == "text-frame":
        return frame_bytes(0x1, b"hello master")
    if mode == "unknown-op":
        return frame_bytes(0x2, msgpack.packb({"op": "frobnicate", "seq_number": 0}))
    if mode == "unknown-response":
        return frame_bytes(0x2, msgpack.packb({"op": "response", "seq_number": 4242,
                                               "result": None}))
    # unknown-command-update
    return frame_bytes(0x2, msgpack.packb({"op": "update", "seq_number": 0,
                                           "command_id": "no-such-command",
                                           "args": [["rc", 0]]}))


async def hostile_post_upgrade(args, mode, name, password, result, t0):
    ws, status = await open_websocket(args.host, args.port, name, password)
    result["http_status"] = status
    if ws is None:
        result.update(outcome="http-%s" % status if status else "closed",
                      detail="upgrade refused")
        return
    session = Session(ws, name, args)
    # Modes that carry a seq_number of ours: count it so our later requests differ.
    uses_seq = mode in ("unknown-op", "unknown-command-update")
    try:
        await ws.send_raw(bad_payload(mode))
    except OSError as e:
        result.update(outcome="closed", closed=True, detail="write failed: %s" % e)
        ws.abort()
        return
    bad_seq = 0 if uses_seq else None
    if uses_seq:
        session.seq = 1
    runner = asyncio.create_task(session.run())
    deadline = time.monotonic() + args.hostile_wait
    ended = None
    while time.monotonic() < deadline:
        done, _ = await asyncio.wait([runner], timeout=0.1)
        if done:
            ended = runner.result()
            break
        got_error = bad_seq is not None and bad_seq in session.error_responses
        if session.attached and (bad_seq is None or got_error):
            await asyncio.sleep(0.5)  # a late close still counts
            if runner.done():
                ended = runner.result()
            break
    if ended is None:
        runner.cancel()
        ws.abort()
        await asyncio.gather(runner, return_exceptions=True)
    if bad_seq is not None and bad_seq in session.error_responses:
        result["error_response"] = session.error_responses[bad_seq]
    result["attached"] = session.attached
    if ended is not None:
        result.update(closed=True, close_code=ended.code, detail=str(ended))
    if ended is not None and not session.attached:
        result["outcome"] = "closed"
    elif result.get("error_response") is not None:
        result["outcome"] = "error-response"
    elif session.attached:
        result["outcome"] = "attached"
    elif ended is not None:
        result["outcome"] = "closed"
    else:
        result["outcome"] = "open"


async def run_hostile(args):
    mode = args.hostile
    names, passwords = worker_names(args)
    result = {"mode": mode, "outcome": None, "http_status": None, "closed": False,
              "close_code": None, "error_response": None, "attached": False,
              "elapsed_s": None, "detail": None}
    t0 = time.monotonic()
    try:
        if mode in PRE_UPGRADE_MODES:
            await hostile_pre_upgrade(args, mode, names[0], passwords[0], result, t0)
        else:
            await hostile_post_upgrade(args, mode, names[0], passwords[0], result, t0)
    except OSError as e:
        result.update(outcome="connect-failed", detail=str(e))
    result["elapsed_s"] = round(time.monotonic() - t0, 3)
    print(json.dumps(result), flush=True)
    return 0 if result["outcome"] != "connect-failed" else 1


def main():
    modes = dict(PRE_UPGRADE_MODES, **POST_UPGRADE_MODES)
    epilog = "hostile modes:\n" + "\n".join("  %-24s %s" % kv for kv in modes.items())
    p = argparse.ArgumentParser(
        description="Simulated buildbot-worker 3.7 clients (msgpack_experimental_v7). "
                    "A worker counts as attached when it answers the master's print that "
                    "follows its completed listdir/mkdir (the end of the attach sequence).",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1, help="number of workers (default 1)")
    p.add_argument("--name-format", default="sim-{i:05d}",
                   help="worker name for index i (default sim-{i:05d})")
    p.add_argument("--password", default="", help="one password for all workers")
    p.add_argument("--password-env", default=None, metavar="VAR",
                   help="one password for all workers, read from this environment variable")
    p.add_argument("--password-format", default=None,
                   help="password per worker, e.g. 'pw-{name}' or 'pw-{i}'")
    p.add_argument("--rate", type=float, default=0,
                   help="new workers per second (0: all at once)")
    p.add_argument("--duration", type=float, default=None,
                   help="stay connected this many seconds, then exit")
    p.add_argument("--until-attached", action="store_true",
                   help="exit as soon as every worker has attached (or after --timeout)")
    p.add_argument("--timeout", type=float, default=120,
                   help="with --until-attached and no --duration: give up after this many "
                        "seconds (default 120); with neither option the tool runs until "
                        "SIGTERM/SIGINT")
    p.add_argument("--hold", type=float, default=0, metavar="S",
                   help="after the report, keep every connection (answering the master) for S "
                        "more seconds or until SIGTERM/SIGINT, then print a second report")
    p.add_argument("--retry", action="store_true",
                   help="reconnect after 1-2 s when refused or disconnected, like the real worker")
    p.add_argument("--report-json", action="store_true", help="print the report as one JSON line")
    p.add_argument("--hostile", choices=sorted(modes), default=None,
                   help="send one bad input as the first worker name and report the master's "
                        "answer (see below)")
    p.add_argument("--hostile-wait", type=float, default=15,
                   help="seconds to wait for the master's reaction (default 15)")
    p.add_argument("--stream-lines", type=int, default=0, metavar="N",
                   help="answer a 'shell' start_command by streaming N stdout lines "
                        "('line 0' ...) as updates, without waiting for their answers, then "
                        "rc 0; prints {event: acked, acked_through: L} as the master "
                        "acknowledges, and {event: closed, ...} when the link ends")
    p.add_argument("--lines-per-update", type=int, default=10)
    p.add_argument("--stream-interval", type=float, default=0.01, metavar="S",
                   help="pause between streamed updates (default 0.01 s)")
    p.add_argument("--report-every", type=int, default=50, metavar="L",
                   help="print an acked event every L more acknowledged lines")
    p.add_argument("--verbose", action="store_true", help="log events to stderr")
    args = p.parse_args()
    if args.count < 1 or args.rate < 0:
        p.error("--count must be >= 1 and --rate >= 0")
    raise_fd_limit(args.count + 64)
    if args.hostile:
        return asyncio.run(run_hostile(args))
    return asyncio.run(run_load(args))


if __name__ == "__main__":
    sys.exit(main())
