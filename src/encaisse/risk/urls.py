from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
from encaisse.risk.urls_ratings import urlpatterns as ratings_urls  # noqa: E402

urlpatterns += ratings_urls
