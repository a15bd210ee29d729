"""Real local servers for the notification tests: a minimal SMTP server and an SMS gateway,
each on 127.0.0.1 in a thread."""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _SMTPHandler(socketserver.StreamRequestHandler):
    def _send(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        server = self.server
        self._send("220 localhost test SMTP")
        envelope = {"from": "", "to": [], "data": b""}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._send("250 localhost")
            elif verb == "MAIL":
                envelope["from"] = command
                self._send("250 OK")
            elif verb == "RCPT":
                if server.refuse_recipients:
                    self._send("550 5.1.1 mailbox unavailable")
                else:
                    envelope["to"].append(command)
                    self._send("250 OK")
            elif verb == "DATA":
                self._send("354 go ahead")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk
                envelope["data"] = data
                server.messages.append(dict(envelope))
                self._send("250 queued")
            elif verb == "RSET":
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 bye")
                return
            else:
                self._send("502 not implemented")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, refuse_recipients: bool = False):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.refuse_recipients = refuse_recipients
        self.messages: list[dict] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _GatewayHandler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        gateway = self.server.gateway
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        gateway.requests.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body or b"{}")}
        )
        status = gateway.status
        answer = json.dumps({"id": f"gw-{len(gateway.requests)}"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class SmsGateway:
    """An SMS gateway that records what it is sent and answers with ``status``."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _GatewayHandler)
        self.httpd.gateway = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/send"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
