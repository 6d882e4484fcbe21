#!/usr/bin/python3
"""A real SMTP server for tests (aiosmtpd) on 127.0.0.1.

Each message delivered to a recipient becomes two files in FOLDER: NNNNN.eml
(X-MailFrom and X-RcptTo headers, then the message as received) and
NNNNN.json (what mail_decode.py reads from it). Every transaction is logged to
FOLDER/transactions.log ("DATA <reply>" per DATA command). Prints "PORT N"
once it listens. Stops on SIGTERM.
"""
import argparse
import asyncio
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult

from mail_decode import decode


class Handler:
    def __init__(self, args):
        self.folder = args.folder
        self.data_reply = args.data_reply
        self.implicit_tls = args.implicit_tls
        self.counter = itertools.count(1)

    def log(self, line):
        with open(os.path.join(self.folder, "transactions.log"), "a") as f:
            f.write(line + "\n")

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            self.log(f"DATA {self.data_reply}")
            return self.data_reply
        content = envelope.original_content or envelope.content
        for rcpt in envelope.rcpt_tos:
            n = next(self.counter)
            head = f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {rcpt}\r\n".encode()
            info = decode(content)
            info.update({"mail_from": envelope.mail_from, "rcpt_to": rcpt,
                         "smtputf8": "SMTPUTF8" in [o.upper() for o in envelope.mail_options],
                         "login": bool(session.authenticated),
                         "tls": self.implicit_tls or session.ssl is not None})
            base = os.path.join(self.folder, f"{n:05d}")
            for suffix, data in ((".eml", head + content),
                                 (".json", json.dumps(info).encode())):
                tmp = base + suffix + ".tmp"
                with open(tmp, "wb") as f:
                    f.write(data)
                os.rename(tmp, base + suffix)
        self.log(f"DATA 250 to {','.join(envelope.rcpt_tos)}")
        return "250 OK: message accepted by the test sink"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--folder", required=True)
    p.add_argument("--data-reply", default="", help='e.g. "550 5.7.1 refused by policy"')
    p.add_argument("--cert", default="")
    p.add_argument("--key", default="")
    p.add_argument("--implicit-tls", action="store_true")
    p.add_argument("--auth", default="", help="USER:PASSWORD required (over TLS)")
    args = p.parse_args()

    handler = Handler(args)
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        user, _, password = args.auth.partition(":")
        ok = (auth_data.login == user.encode() and auth_data.password == password.encode())
        handler.log(f"AUTH {mechanism} {'ok' if ok else 'refused'}")
        return AuthResult(success=ok)

    def factory():
        kwargs = {"enable_SMTPUTF8": True, "decode_data": False,
                  "hostname": "sink.test", "ident": "yardmaster test sink"}
        if context is not None and not args.implicit_tls:
            kwargs.update(tls_context=context, require_starttls=True)
        if args.auth:
            # With implicit TLS the whole connection is encrypted, but
            # aiosmtpd only counts STARTTLS as TLS for auth_require_tls.
            kwargs.update(authenticator=authenticate, auth_required=True,
                          auth_require_tls=context is not None and not args.implicit_tls)
        return SMTP(handler, **kwargs)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port,
        ssl=context if args.implicit_tls else None, reuse_address=True))
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.run_forever()
    server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
