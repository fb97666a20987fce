"""Where a webhook may be sent: the stance against server-side request forgery (SSRF).

A subscription's URL is http or https. Its host must resolve only to public addresses:
loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, where
cloud metadata lives), multicast, reserved and unspecified addresses are refused, so an
administrator's form (or a stolen admin session) cannot make Encaisse probe the inside
network. An ERP on the company's network is allowed by naming it in
ENCAISSE_WEBHOOK_ALLOWED_HOSTS (host names, addresses or networks such as 10.1.0.0/16).
With DEBUG, loopback and private addresses are allowed (a developer's receiver); link-local
and the others never, unless listed.

The check runs when a subscription is saved and again at each sending, on the address the
connection really goes to (a name that resolves to a public address when saved and to a
private one later is refused then).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from encaisse.core.errors import BadInput

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _listed(host: str, address: IPAddress) -> bool:
    for entry in settings.ENCAISSE_WEBHOOK_ALLOWED_HOSTS:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host.lower():
            return True
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name that is not this one
    return False


def address_allowed(host: str, address: IPAddress) -> bool:
    """Whether a webhook for ``host`` may go to ``address``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if _listed(host, address):
        return True
    if address.is_global and not address.is_multicast:
        return True
    odd = address.is_link_local or address.is_multicast or address.is_unspecified
    return bool(settings.DEBUG) and (address.is_loopback or address.is_private) and not odd


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a webhook URL, or BadInput naming what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        raise BadInput(_("URL: only http:// and https:// addresses can receive webhooks."))
    if not parts.hostname:
        raise BadInput(_("URL: the address has no host name."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise BadInput(_("URL: the port is not a number between 1 and 65535.")) from None
    return parts.scheme, parts.hostname, port


def resolve_allowed(host: str, port: int) -> list[IPAddress]:
    """The addresses ``host`` resolves to, every one allowed; else BadInput saying why."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise BadInput(_("URL: the host %(host)s cannot be found.") % {"host": host}) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    refused = sorted({str(a) for a in addresses if not address_allowed(host, a)})
    if refused or not addresses:
        raise BadInput(
            _(
                "URL: %(host)s is an address of an internal network (%(addresses)s); webhooks "
                "go only to public addresses unless the administrator lists the host in "
                "ENCAISSE_WEBHOOK_ALLOWED_HOSTS."
            )
            % {"host": host, "addresses": ", ".join(refused)}
        )
    return addresses


def check_webhook_url(url: str) -> str:
    """The URL, cleaned, if webhooks may be sent to it; else BadInput naming the field."""
    _scheme, host, port = split_url(url)
    resolve_allowed(host, port)
    return url.strip()
