from django.urls import path

from encaisse.ledger import views, views_customers

urlpatterns = [
    path("", views.customer_list_view, name="customer-list"),
    path("<int:pk>/", views.customer_detail_view, name="customer-detail"),
    path("<int:pk>/edit/", views_customers.customer_edit_view, name="customer-edit"),
    path("<int:pk>/contacts/new/", views_customers.contact_edit_view, name="customer-contact-new"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/",
        views_customers.contact_edit_view,
        name="customer-contact-edit",
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        views_customers.contact_remove_view,
        name="customer-contact-remove",
    ),
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
