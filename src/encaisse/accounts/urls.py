from django.contrib.auth import views as auth_views
from django.urls import path

from encaisse.accounts.views import LoginView, language_view, preferences_view

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", preferences_view, name="preferences"),
    path("preferences/language/", language_view, name="preferences-language"),
]
