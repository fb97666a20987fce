"""View decorators shared by the apps: who may open a page at all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from encaisse.accounts.models import User
from encaisse.accounts.permissions import acting_user

View = Callable[..., HttpResponseBase]


def allowed_or_404(check: Callable[[User], bool]) -> Callable[[View], View]:
    """Login required, then a 404 (never a 403: nothing to learn) for whom ``check`` refuses."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not check(acting_user(request)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
