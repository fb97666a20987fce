from django.urls import path

from encaisse.risk import views_ratings

urlpatterns = [
    path(
        "customers/<int:customer_pk>/ratings/",
        views_ratings.customer_ratings_view,
        name="risk-customer-ratings",
    ),
    path(
        "customers/<int:customer_pk>/cover/",
        views_ratings.cover_new_view,
        name="risk-cover-new",
    ),
    path("covers/expiring/", views_ratings.expiring_covers_view, name="risk-expiring-covers"),
]
