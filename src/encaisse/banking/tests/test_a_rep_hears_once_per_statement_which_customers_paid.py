"""Rémi hears his customers paid: one notification per bank statement (however many of
his customers' transfers it letters), in his language, naming them with what they paid;
once (the same statement again tells nothing); and when finance letters a line by hand.
An old payment (a statement of last year) is history, not news: nobody is told."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from encaisse.banking.models import BankLine, LineStatus
from encaisse.banking.services import reconcile_line
from encaisse.banking.tests.conftest import CAMT, entry, import_bank
from encaisse.collaboration.models import Notification
from encaisse.ledger.models import Invoice

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def a_few_days_after_the_statements():
    """The statements' credits are booked on 5 March 2026."""
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS), tick=False):
        yield


@pytest.fixture
def remi_in_english(rep_remi):
    rep_remi.language = "en"
    rep_remi.save(update_fields=["language"])
    return rep_remi


def test_one_notification_per_rep_for_a_statement_and_none_when_imported_again(
    ledger, remi_in_english, rep_paul, finance_fanny
):
    import_bank(CAMT)

    [remis] = Notification.objects.filter(recipient=remi_in_english)
    assert remis.title == "2 customers of yours paid"
    assert remis.body.splitlines() == [
        "- Boulangeries du Lyonnais SAS: €1,800.00",
        "- Logistique Belleville: €2,214.56",
    ]
    assert remis.url == "/customers/"
    assert Notification.objects.filter(recipient=rep_paul).count() <= 1
    assert not Notification.objects.filter(recipient=finance_fanny).exists()

    import_bank(CAMT)
    assert Notification.objects.filter(recipient=remi_in_english).count() == 1


def test_finance_lettering_a_line_by_hand_tells_the_rep(
    ledger, remi_in_english, finance_fanny, camt
):
    import_bank(camt(entry("1200.00", name="INCONNU", text="virement")))
    line = BankLine.objects.get(status=LineStatus.TO_RECONCILE)
    reconcile_line(
        line=line,
        customer=ledger["C001"],
        invoices=[Invoice.objects.get(number="FA-2026-0101")],
        user=finance_fanny,
    )
    [notice] = Notification.objects.filter(recipient=remi_in_english)
    assert notice.title == "Logistique Belleville paid €1,200.00"
    assert notice.body == "1 invoice lettered, 1 now settled."
    assert notice.customer == ledger["C001"]
    assert notice.url == f"/customers/{ledger['C001'].pk}/"


def test_thousands_of_payments_cost_a_few_queries_not_one_each(
    entity, rep_remi, rep_sarah, lyon, django_assert_max_num_queries
):
    from encaisse.collaboration.payment_notices import tell_reps_their_customers_paid
    from encaisse.ledger.tests.factories import CustomerFactory, InvoiceFactory

    invoices = []
    for rep in (rep_remi, rep_sarah):
        for _index in range(30):
            customer = CustomerFactory(entity=entity, sales_rep=rep, agency=lyon)
            invoices += InvoiceFactory.create_batch(20, customer=customer, amount=Decimal("10"))
    allocated = {invoice.pk: Decimal("10.00") for invoice in invoices}  # 1 200 invoices

    # 3 batches of invoices, the reps, then per rep: its notification (and its e-mail job).
    with django_assert_max_num_queries(3 + 1 + 2 * 2):
        assert tell_reps_their_customers_paid(allocated=allocated) == 2

    for rep in (rep_remi, rep_sarah):
        [notice] = Notification.objects.filter(recipient=rep)
        assert notice.title.startswith("30 ")
        assert len(notice.body.splitlines()) == 21  # twenty named, "and 10 more"


def test_a_statement_of_old_payments_tells_nobody(ledger, rep_remi):
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0, tzinfo=PARIS), tick=False):
        import_bank(CAMT)
    assert Invoice.objects.get(number="FA-2026-0101").open_amount == 0  # lettered all the same
    assert not Notification.objects.exists()
