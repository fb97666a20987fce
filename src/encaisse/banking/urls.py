from django.urls import path

from encaisse.banking import views

urlpatterns = [
    path("reconciliation/", views.reconciliation_view, name="bank-reconciliation"),
    path("lines/<int:pk>/", views.line_view, name="bank-line"),
    path("lines/<int:pk>/customers/", views.line_customers_view, name="bank-line-customers"),
    path("lines/<int:pk>/reconcile/", views.line_reconcile_view, name="bank-line-reconcile"),
    path("lines/<int:pk>/ignore/", views.line_ignore_view, name="bank-line-ignore"),
    path("lines/<int:pk>/return/", views.line_return_view, name="bank-line-return"),
]
