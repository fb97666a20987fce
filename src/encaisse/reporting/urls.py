from django.urls import path

from encaisse.reporting import views

urlpatterns = [
    path("aged-balance/", views.aged_balance_view, name="aged-balance"),
]
