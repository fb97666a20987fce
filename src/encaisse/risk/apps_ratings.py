"""What ratings and credit insurance add to other apps' pages and to `encaisse import`."""

from __future__ import annotations


def register_ratings() -> None:
    from encaisse.core.panels import register_customer_panel
    from encaisse.core.timeline import register_timeline_source
    from encaisse.risk.ratings_import import register_ratings_kind
    from encaisse.risk.timeline_ratings import LABELS, ratings_timeline
    from encaisse.risk.views_ratings import customer_risk_panel

    register_ratings_kind()
    register_customer_panel(customer_risk_panel, order=12)
    register_timeline_source(ratings_timeline, labels=LABELS)
