from django.urls import URLPattern, URLResolver

from encaisse.risk import urls_assessment

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += urls_assessment.urlpatterns
