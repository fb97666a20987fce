from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

from encaisse.risk.urls_limits import urlpatterns as limits_urls  # noqa: E402

urlpatterns += limits_urls
