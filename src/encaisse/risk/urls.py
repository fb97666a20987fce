from django.urls import URLPattern, URLResolver

from encaisse.risk import urls_assessment, urls_blocking, urls_limits, urls_ratings

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_limits.urlpatterns,
    *urls_assessment.urlpatterns,
    *urls_ratings.urlpatterns,
    *urls_blocking.urlpatterns,
]
