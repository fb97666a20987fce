"""The pages speak the language the person chose in their preferences, whatever the
browser says; without a choice, LocaleMiddleware's (cookie, then browser) stands."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from encaisse.accounts.models import User


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (it reads ``request.user``) and LocaleMiddleware
    (whose choice it replaces, and whose response headers then follow this one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
