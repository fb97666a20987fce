from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.accounts.forms import LoginForm, PreferencesForm
from encaisse.accounts.permissions import acting_user
from encaisse.accounts.services import set_preferences
from encaisse.core.errors import BadInput
from encaisse.core.http import safe_next


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """The login page, before anyone is known, speaks it too (LocaleMiddleware's cookie)."""
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    initial = {
        "language": user.language or translation.get_language(),
        "notification_delivery": user.notification_delivery,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            set_preferences(user=user, **form.cleaned_data)
        except BadInput as error:
            form.add_error(None, str(error))
        else:
            translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            return _remember_language(redirect("preferences"), user.language)
    status = 400 if form.errors else 200
    return render(request, "accounts/preferences.html", {"form": form}, status=status)


@login_required
@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """The language menu of the navigation bar: the person's language from now on."""
    user = acting_user(request)
    language = request.POST.get("language", "")
    try:
        set_preferences(
            user=user, language=language, notification_delivery=user.notification_delivery
        )
    except BadInput as error:
        messages.error(request, str(error))
        return redirect(safe_next(request, "home"))
    return _remember_language(redirect(safe_next(request, "home")), language)
