from collections.abc import Mapping
from decimal import Decimal

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _rescore_after_payments(
    sender: object, *, allocated: Mapping[int, Decimal], **_: object
) -> None:
    from encaisse.risk.events_score import rescore_customers_paid

    rescore_customers_paid(invoice_ids=list(allocated))


class RiskConfig(AppConfig):
    """Credit risk fed by sales: limits and exposure, limit requests, ratings and credit
    insurance, the rep's field assessment, an explained score, weak signals, blocking."""

    name = "encaisse.risk"
    label = "risk"
    verbose_name = _("Credit risk")

    def ready(self) -> None:
        """Each part of the app registers its panels, actions and timeline sources here, one
        line each (core.panels, core.timeline)."""
        from encaisse.core.panels import register_customer_panel
        from encaisse.core.timeline import register_timeline_source
        from encaisse.ledger.signals import invoices_paid
        from encaisse.risk.apps_blocking import register_blocking
        from encaisse.risk.apps_ratings import register_ratings
        from encaisse.risk.limits_apps import register_limits
        from encaisse.risk.timeline_score import LABELS, weak_signal_events
        from encaisse.risk.views_assessment import register_assessment
        from encaisse.risk.views_score import customer_risk_panel

        register_customer_panel(customer_risk_panel, order=12)
        register_timeline_source(weak_signal_events, labels=LABELS)
        invoices_paid.connect(_rescore_after_payments, dispatch_uid="risk-rescores-paid")
        register_limits()
        register_assessment()
        register_ratings()
        register_blocking()
