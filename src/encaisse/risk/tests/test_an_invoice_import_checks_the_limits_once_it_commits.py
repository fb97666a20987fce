"""An import of invoices that takes a customer over its limit tells its rep and finance as
soon as it commits (a background check of every customer's limits), not the next morning."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification
from encaisse.imports.services import import_file

pytestmark = pytest.mark.django_db

INVOICES = (
    "N° facture;Code client;Date facture;Échéance;Montant TTC\r\n"
    "FA-2026-001;REMI-1;15/01/2026;14/02/2026;1\u00a0234,56 €\r\n"
)


def test_the_rep_hears_once_the_import_commits(
    portfolios,
    rep_remi,
    finance_fanny,
    tmp_path,
    jobs_run_inline,
    django_capture_on_commit_callbacks,
):
    customer = portfolios["remi1"]  # owes 1 000 €
    customer.credit_limit = Decimal("1500.00")
    customer.save(update_fields=["credit_limit"])
    path = tmp_path / "factures.csv"
    path.write_bytes(INVOICES.encode("cp1252"))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_file(kind="invoices", path=path).ok
    assert "encaisse.risk.tasks_limits.alert_limit_crossings_task" in jobs_run_inline
    notice = Notification.objects.get(recipient=rep_remi)
    assert notice.customer_id == customer.pk
    assert Notification.objects.filter(recipient=finance_fanny, customer=customer).exists()
