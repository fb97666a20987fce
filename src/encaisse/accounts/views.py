from __future__ import annotations

from django.contrib.auth import views as auth_views

from encaisse.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
