from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from encaisse import __version__


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    return {
        "encaisse_version": __version__,
        "current_url_name": match.url_name if match else "",
    }
