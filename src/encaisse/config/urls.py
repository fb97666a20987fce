from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from encaisse.reporting.views import dashboard_view

urlpatterns = [
    path("", dashboard_view, name="home"),
    path("", include("encaisse.accounts.urls")),
    path("customers/", include("encaisse.ledger.urls")),
    path("reports/", include("encaisse.reporting.urls")),
    path("dunning/", include("encaisse.dunning.urls")),
    path("imports/", include("encaisse.imports.urls")),
    path("bank/", include("encaisse.banking.urls")),
    path("risk/", include("encaisse.risk.urls")),
    path("", include("encaisse.collaboration.urls")),
    path("integrations/webhooks/", include("encaisse.webhooks.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("encaisse/favicon.svg"), permanent=True)),
]
