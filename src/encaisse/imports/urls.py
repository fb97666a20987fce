from django.urls import path

from encaisse.imports import views

urlpatterns = [
    path("", views.import_list_view, name="import-list"),
    path("new/", views.import_new_view, name="import-new"),
    path("<int:pk>/", views.import_detail_view, name="import-detail"),
    path("<int:pk>/rejects/", views.import_rejects_view, name="import-rejects"),
]
