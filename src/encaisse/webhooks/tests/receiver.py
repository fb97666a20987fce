"""A real HTTP server on loopback that receives webhooks and answers as a test scripts it."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes


@dataclass
class Receiver:
    # Status codes to answer, in order; then ``default``.
    answers: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    # Run while a request is being answered (a second sender arriving meanwhile...).
    during: Callable[[Received], None] | None = None
    port: int = 0

    scheme: str = "http"
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}/hooks/encaisse?source=test"


def start_receiver(
    receiver: Receiver, *, tls: tuple[str, str] | None = None
) -> ThreadingHTTPServer:
    """Serve on 127.0.0.1 (a free port) in a thread; ``tls``: (certificate, key) files."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Received(self.path, self.headers, self.rfile.read(length))
            receiver.received.append(request)
            if receiver.during is not None:
                receiver.during(request)
            status = receiver.answers.pop(0) if receiver.answers else receiver.default
            answer = b'{"ok": true}' if status < 300 else b"receiver says no"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
