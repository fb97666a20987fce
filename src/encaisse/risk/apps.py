from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    """Credit risk fed by sales: limits and exposure, limit requests, ratings and credit
    insurance, the rep's field assessment, an explained score, weak signals, blocking."""

    name = "encaisse.risk"
    label = "risk"
    verbose_name = _("Credit risk")

    def ready(self) -> None:
        """Each part of the app registers its panels, actions and timeline sources here, one
        line each (core.panels, core.timeline)."""
        from encaisse.risk.apps_blocking import register_blocking
        from encaisse.risk.apps_ratings import register_ratings
        from encaisse.risk.limits_apps import register_limits
        from encaisse.risk.views_assessment import register_assessment

        register_limits()
        register_assessment()
        register_ratings()
        register_blocking()
