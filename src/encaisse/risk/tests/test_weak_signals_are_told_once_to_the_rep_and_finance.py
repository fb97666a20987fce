"""Each weak signal is recorded once per occurrence and told, with its reason, to the
customer's rep and to finance: a good payer's first late payment, days past due growing, a
broken promise, a returned payment, many small partial payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification
from encaisse.collaboration.promises import check_promises, record_promise
from encaisse.ledger.services import record_payment_return
from encaisse.ledger.tests.factories import CustomerFactory, PaymentFactory
from encaisse.risk.factors import measure
from encaisse.risk.models_score import WeakSignal, WeakSignalKind
from encaisse.risk.tests.score_ledger import AS_OF, days, invoice, paid, pay
from encaisse.risk.weak_signals import detect_weak_signals

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _everyone_reads_english(rep_remi, rep_sarah, finance_fanny):
    """Notifications are written in each reader's language: these readers chose English."""
    for person in (rep_remi, rep_sarah, finance_fanny):
        person.language = "en"
        person.save(update_fields=["language"])


@pytest.fixture
def customer(entity, rep_remi):
    return CustomerFactory(entity=entity, sales_rep=rep_remi, name="Becker", credit_limit=None)


def detect(day: dt.date = AS_OF) -> list[WeakSignal]:
    return detect_weak_signals(as_of=day, measured=measure(None, day))


def kinds(signals: list[WeakSignal]) -> list[str]:
    return sorted(signal.kind for signal in signals)


def test_a_good_payers_first_late_payment(customer, rep_remi, finance_fanny, sales_rep_other):
    for month in (2, 4, 6):  # on time, over the year before
        paid(customer, due=AS_OF - days(30 * month), on=AS_OF - days(30 * month + 2))
    paid(customer, due=AS_OF - days(20), on=AS_OF - days(2))  # 18 days late

    signals = detect()

    assert kinds(signals) == [WeakSignalKind.FIRST_LATE_PAYMENT]
    told = Notification.objects.order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["fanny", "remi"]
    assert told[0].customer_id == customer.pk
    assert "Becker" in told[0].title
    assert told[0].body == (
        "First payment more than 5 days late after 3 payments on time in the year before."
    )
    assert detect() == []  # told once
    assert Notification.objects.count() == 2


def test_a_late_payer_paying_late_again_is_no_first(customer):
    paid(customer, due=AS_OF - days(90), on=AS_OF - days(60))
    for month in (4, 6, 8):
        paid(customer, due=AS_OF - days(30 * month), on=AS_OF - days(30 * month + 2))
    paid(customer, due=AS_OF - days(20), on=AS_OF - days(2))

    assert WeakSignalKind.FIRST_LATE_PAYMENT not in kinds(detect())


def test_delays_growing_beyond_the_setting(customer, settings):
    settings.ENCAISSE_RISK_DELAY_GROWTH_DAYS = 10
    paid(customer, due=AS_OF - days(150), on=AS_OF - days(150))  # 3-6 months ago: 0 days
    paid(customer, due=AS_OF - days(60), on=AS_OF - days(35))  # lately: 25 days

    (signal,) = [s for s in detect() if s.kind == WeakSignalKind.DELAY_GROWING]

    assert signal.period == AS_OF.strftime("%Y-%m")
    body = Notification.objects.filter(recipient__username="remi").get().body
    assert body == (
        "Payments came 25 days later than in the 3 months before (25 days late on average now)."
    )
    settings.ENCAISSE_RISK_DELAY_GROWTH_DAYS = 30
    WeakSignal.objects.all().delete()
    assert WeakSignalKind.DELAY_GROWING not in kinds(detect())


def test_a_broken_promise_and_a_returned_payment_each_once(customer):
    item = invoice(customer, due=AS_OF - days(40))
    record_promise(
        customer=customer, invoices=[item], recorded_on=AS_OF - days(20),
        promised_for=AS_OF - days(10),
    )  # fmt: skip
    check_promises(as_of=AS_OF - days(2))  # broken
    returned = PaymentFactory(customer=customer, date=AS_OF - days(4), amount=Decimal(300))
    record_payment_return(payment=returned, returned_on=AS_OF - days(1), reference="RET-1")

    signals = detect()
    assert kinds(signals) == [WeakSignalKind.BROKEN_PROMISE, WeakSignalKind.RETURNED_PAYMENT]
    reasons = {s.kind: s.reason for s in signals}
    assert reasons[WeakSignalKind.RETURNED_PAYMENT]["values"]["reference"] == returned.reference
    assert detect(AS_OF + days(1)) == []  # the same occurrences, a day later


def test_many_small_partial_payments(customer):
    item = invoice(customer, due=AS_OF - days(60), amount="5000.00")
    for back in (50, 30, 10):
        pay(item, on=AS_OF - days(back), amount="200.00")

    (signal,) = detect()

    assert signal.kind == WeakSignalKind.SMALL_PARTIAL_PAYMENTS
    assert signal.reason["values"]["count"] == 3


@pytest.fixture
def sales_rep_other(rep_sarah):
    """Sarah, a rep of another portfolio: never told of Rémi's customer."""
    return rep_sarah


def test_another_rep_never_hears_of_it(customer, sales_rep_other, finance_fanny):
    returned = PaymentFactory(customer=customer, date=AS_OF - days(4), amount=Decimal(300))
    record_payment_return(payment=returned, returned_on=AS_OF - days(1), reference="RET-2")

    detect()

    assert not Notification.objects.filter(recipient=sales_rep_other).exists()


def test_several_signals_make_one_notification_each_listing_them(
    entity, customer, rep_remi, rep_sarah, finance_fanny
):
    sarahs = CustomerFactory(entity=entity, sales_rep=rep_sarah, name="Alpha")
    for index, who in enumerate((customer, customer, sarahs)):
        returned = PaymentFactory(customer=who, date=AS_OF - days(4), amount=Decimal(300))
        record_payment_return(
            payment=returned, returned_on=AS_OF - days(1), reference=f"RET-{index}"
        )

    assert len(detect()) == 3

    fanny = Notification.objects.get(recipient=finance_fanny)
    assert fanny.title == "3 weak signals on your customers"
    lines = fanny.body.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("- Alpha: Returned payment. The bank returned the payment")
    remi = Notification.objects.get(recipient=rep_remi)
    assert remi.title == "2 weak signals on your customers"
    assert "Alpha" not in remi.body
    sarah = Notification.objects.get(recipient=rep_sarah)
    assert sarah.title == "Weak signal on Alpha: Returned payment"
    assert sarah.customer_id == sarahs.pk


def test_a_long_list_is_cut_and_counted(customer, finance_fanny, monkeypatch):
    from encaisse.risk import weak_signals

    monkeypatch.setattr(weak_signals, "LISTED", 2)
    for index in range(3):
        returned = PaymentFactory(customer=customer, date=AS_OF - days(4), amount=Decimal(300))
        record_payment_return(
            payment=returned, returned_on=AS_OF - days(1), reference=f"RET-L{index}"
        )

    detect()

    lines = Notification.objects.get(recipient=finance_fanny).body.splitlines()
    assert len(lines) == 3
    assert lines[-1] == "and 1 more"
