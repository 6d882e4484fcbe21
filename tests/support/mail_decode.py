#!/usr/bin/python3
"""Decodes an RFC 5322 message with Python's own email package (an independent
reader of what Yardmaster writes) and prints what a mail client would show, as
JSON: decoded headers, the decoded body, charset, transfer encoding, defects,
and the longest raw line. Reads the message from stdin (or a file argument)."""
import json
import sys
from email import policy
from email.parser import BytesParser, Parser


def decode(raw: bytes) -> dict:
    try:
        # RFC 6532 (SMTPUTF8) headers are UTF-8; Python's byte parser would
        # leave them as escaped bytes, its text parser reads them.
        msg = Parser(policy=policy.default).parsestr(raw.decode("utf-8"))
    except UnicodeDecodeError:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    headers = {}
    defects = [type(d).__name__ for d in msg.defects]
    for name, value in msg.items():
        headers.setdefault(name, []).append(str(value))
        defects += [f"{name}: {type(d).__name__}" for d in getattr(value, "defects", [])]
    addresses = {}
    for name in ("From", "To"):
        if msg[name] is not None:
            addresses[name] = [{"display_name": a.display_name, "addr_spec": a.addr_spec}
                               for a in msg[name].addresses]
    # As a mail client shows it: lines end in "\n".
    body = msg.get_content().replace("\r\n", "\n") if not msg.is_multipart() else ""
    lines = raw.split(b"\r\n")
    return {
        "headers": headers,
        "addresses": addresses,
        "body": body,
        "content_type": msg.get_content_type(),
        "charset": msg.get_content_charset(),
        "cte": str(msg.get("Content-Transfer-Encoding", "")),
        "defects": defects,
        "longest_line": max(len(l) for l in lines),
        "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
    }


if __name__ == "__main__":
    data = open(sys.argv[1], "rb").read() if len(sys.argv) > 1 else sys.stdin.buffer.read()
    print(json.dumps(decode(data)))
