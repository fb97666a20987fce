from django.urls import URLPattern, URLResolver

from encaisse.risk import urls_blocking

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_blocking.urlpatterns
