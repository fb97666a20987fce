"""Serving the web application with waitress: what `encaisse serve` and `encaisse demo` share."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.module_loading import import_string
from waitress import create_server  # type: ignore[import-untyped]

from encaisse.core.errors import BadInput

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_THREADS = 8
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def site_url(host: str, port: int) -> str:
    """The address a browser on this machine opens for a server bound to ``host``."""
    if host in {"0.0.0.0", "", "::"}:  # noqa: S104  (naming every interface, not binding it)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def add_server_arguments(parser: CommandParser) -> None:
    """--host, --port and --threads of a command that serves the application."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the address to listen on (default: {DEFAULT_HOST}, this machine only; "
        "0.0.0.0: every interface)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"the TCP port (default: {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=DEFAULT_THREADS,
        help=f"requests served at once (default: {DEFAULT_THREADS})",
    )


def serve_application(
    *,
    stdout: Writer,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    threads: int = DEFAULT_THREADS,
) -> None:
    """Serve ``encaisse.config.wsgi.application`` with waitress until interrupted (Ctrl-C).

    Raises BadInput when the port or thread count is out of range or the address cannot be
    listened on (a port already taken, an unknown host).
    """
    if not 0 <= port <= 65535:
        raise BadInput(f"--port: {port} is not a TCP port (0 to 65535)")
    if threads < 1:
        raise BadInput(f"--threads: {threads} must be 1 or more")
    # Static files are served from the apps (finders); an empty STATIC_ROOT spares a warning.
    with contextlib.suppress(OSError):
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from encaisse.config.wsgi import application

    try:
        server = create_server(application, host=host, port=port, threads=threads)
    except (OSError, ValueError) as error:  # taken, not allowed, or no such host
        reason = getattr(error, "strerror", None) or str(error).rstrip(".")
        raise BadInput(f"--host/--port: cannot listen on {host}:{port} ({reason})") from None
    listening = getattr(server, "effective_listen", None) or [
        (server.effective_host, server.effective_port)
    ]
    bound_port = int(listening[0][1])
    stdout.write(f"Encaisse is running on {site_url(host, bound_port)} (Ctrl-C stops it)\n")
    if host not in LOCAL_HOSTS:
        stdout.write("  Reachable from other machines: list the names they use in ALLOWED_HOSTS.\n")
    services = list(settings.ENCAISSE_BACKGROUND_SERVICES)
    for service in services:
        import_string(service)()
    if not settings.REDIS_URL:
        stdout.write(
            "  Background jobs (imports, e-mails) run in this process (set REDIS_URL and run "
            "`encaisse worker` instead).\n"
        )
    if any(service.endswith(".scheduler.start_in_thread") for service in services):
        stdout.write(
            f"  Dunning runs daily at {settings.ENCAISSE_DUNNING_RUN_AT} and the outbox is sent "
            "every minute, in this process.\n"
        )
    try:
        server.run()  # returns on Ctrl-C, after closing its sockets
    finally:
        server.close()
    stdout.write("Stopped.\n")
