"""A bank statement imported from the command line (in English) reports in French to finance
reading it on the import page: its summary, notes and how the file was read."""

from __future__ import annotations

from encaisse.banking.tests.conftest import CAMT, entry, import_bank

NBSP = "\u00a0"


def test_finance_reads_the_statement_report_in_french(client, finance_fanny, ledger):
    result = import_bank(CAMT)
    assert result.message.startswith("5 lines added: 2 matched to invoices")
    client.force_login(finance_fanny)
    client.cookies["django_language"] = "fr"
    page = client.get(f"/imports/{result.run_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "2 règlements lettrés automatiquement aux factures" in page
    assert "2 crédits à rapprocher à la main sur /bank/reconciliation/" in page
    assert "1 débit (sortie d&#x27;argent) mis de côté comme ligne ignorée" in page
    assert "format camt.053.001.02" in page
    assert "mouvements 5" in page
    assert "matched to invoices automatically" not in page


def test_a_bad_entry_is_explained_in_french(client, finance_fanny, ledger, camt):
    result = import_bank(camt(entry("780.00", text="FA-2026-0130"), entry("1.234", name="X")))
    assert not result.ok
    client.force_login(finance_fanny)
    client.cookies["django_language"] = "fr"
    page = client.get(f"/imports/{result.run_id}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<td>plus de deux décimales</td>" in page
    assert f"rien n&#x27;a été importé{NBSP}: 1 problème dans 1 sur 2 mouvements" in page
