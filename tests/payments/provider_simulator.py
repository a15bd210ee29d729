"""A local payment provider (redirect pattern of ePayBL/pmPayment) on 127.0.0.1.

``POST /payments`` (HMAC-signed by the merchant) creates a payment and names its page;
``POST /pay/<id>`` stands for the applicant paying there: it answers with the signed
notification the provider sends to the notification URL, which the test then delivers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ProviderSimulator:
    def __init__(self, *, merchant_id="zeitz-kasse", secret="sim-secret-123"):  # noqa: S107
        self.merchant_id = merchant_id
        self.secret = secret
        self.payments: dict[str, dict] = {}
        self.refused = 0

    def start(self) -> ProviderSimulator:
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, answer = simulator.handle(self.path, dict(self.headers), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def sign(self, message: bytes) -> str:
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def handle(self, path: str, headers: dict, body: bytes):
        if path == "/payments":
            if not hmac.compare_digest(headers.get("X-Signature", ""), self.sign(body)):
                self.refused += 1
                return 401, {"error": "bad signature"}
            request = json.loads(body)
            payment_id = uuid.uuid4().hex
            self.payments[payment_id] = request
            return 201, {"id": payment_id, "redirect_url": f"{self.url}/pay/{payment_id}"}
        if path.startswith("/pay/"):
            payment_id = path.rsplit("/", 1)[-1]
            request = self.payments[payment_id]
            outcome = json.loads(body or b"{}").get("outcome", "success")
            return 200, self.notification(payment_id, request, outcome)
        return 404, {"error": "not found"}

    def notification(self, payment_id: str, request: dict, outcome: str) -> dict:
        status = {"success": "BOOKED", "failure": "FAILED", "cancel": "CANCELED"}[outcome]
        body = json.dumps(
            {
                "id": payment_id,
                "reference": request["reference"],
                "status": status,
                "amount": request["amount"],
                "method": "CREDITCARD",
            }
        )
        timestamp = str(int(time.time()))
        return {
            "notify_url": request["notify_url"],
            "return_url": request["return_url"],
            "body": body,
            "headers": {
                "X-Timestamp": timestamp,
                "X-Signature": self.sign(timestamp.encode() + b"." + body.encode()),
            },
        }
