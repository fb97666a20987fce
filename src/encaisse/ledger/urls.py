from django.urls import path

from encaisse.ledger import views

urlpatterns = [
    path("", views.customer_list_view, name="customer-list"),
    path("<int:pk>/", views.customer_detail_view, name="customer-detail"),
    path("invoices/<int:pk>/pdf/", views.invoice_document_view, name="invoice-document"),
    path("company/", views.company_view, name="company"),
    path("company/new/", views.legal_entity_new_view, name="legal-entity-new"),
    path("company/<int:pk>/", views.legal_entity_edit_view, name="legal-entity-edit"),
    path("company/<int:pk>/logo/", views.legal_entity_logo_view, name="legal-entity-logo"),
    path(
        "company/<int:pk>/logo.img",
        views.legal_entity_logo_file_view,
        name="legal-entity-logo-file",
    ),
]
