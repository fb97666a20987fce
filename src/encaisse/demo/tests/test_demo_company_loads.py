"""The demo company looks like a real one: people in every role, valid customers, a year
and more of invoices, an aged balance with money in every bucket, consistent lettrage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, F, Q, Sum
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from encaisse.accounts.models import Agency, Role, User
from encaisse.demo import cast
from encaisse.demo.generator import load_demo_company
from encaisse.ledger.models import Allocation, Customer, Invoice, InvoiceKind, Payment
from encaisse.reporting.selectors import BUCKET_KEYS, Grouping, aged_balance

TODAY = dt.date(2026, 3, 2)
CUSTOMERS = 60


@pytest.fixture
def demo(db):
    return load_demo_company(today=TODAY, customers=CUSTOMERS)


def test_every_role_has_someone_to_sign_in_as_with_the_demo_password(demo):
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    for username in ("fanny", "daf", "maud", "anna", "remi"):
        assert User.objects.get(username=username).check_password(cast.DEMO_PASSWORD)
    assert User.objects.get(username="daf").role == Role.VIEWER
    assert User.objects.filter(role=Role.SALES_REP).count() == 20
    assert not User.objects.filter(role=Role.SALES_REP, manager__isnull=True).exists()
    assert User.objects.get(username="anna").managed_agencies.count() == 4
    assert Agency.objects.count() == 27
    assert {login.username for login in demo.logins} >= {"admin", "fanny", "daf", "maud"}


def test_every_customer_has_a_rep_an_agency_and_valid_siren_siret_and_vat(demo):
    customers = list(Customer.objects.select_related("sales_rep", "agency"))
    assert len(customers) == CUSTOMERS
    for customer in customers:
        assert customer.sales_rep.role == Role.SALES_REP
        assert customer.agency is not None
        assert fr_siren.is_valid(customer.siren), customer.siren
        assert fr_siret.is_valid(customer.siret)
        assert customer.siret.startswith(customer.siren)
        assert fr_tva.is_valid(customer.vat_number)
        assert customer.vat_number.endswith(customer.siren)
        customer.full_clean()  # the model's own validators agree
    assert len({customer.siren for customer in customers}) == CUSTOMERS
    assert len({customer.name for customer in customers}) == CUSTOMERS


def test_each_rep_works_mostly_on_customers_of_their_own_agencies(demo):
    territory = {person.username: set(person.covers) for person in cast.PEOPLE}
    at_home = sum(
        customer.agency.code in territory[customer.sales_rep.username]
        for customer in Customer.objects.exclude(segment="key_account").select_related(
            "sales_rep", "agency"
        )
    )
    assert at_home >= 0.85 * Customer.objects.exclude(segment="key_account").count()


def test_invoices_span_more_than_a_year_and_none_is_issued_after_today(demo):
    invoices = Invoice.objects.filter(kind=InvoiceKind.INVOICE)
    first = invoices.order_by("issue_date").first()
    last = invoices.order_by("issue_date").last()
    assert (last.issue_date - first.issue_date).days >= 365
    assert last.issue_date <= TODAY
    assert not Allocation.objects.filter(date__gt=TODAY).exists()
    assert not Payment.objects.filter(date__gt=TODAY).exists()
    assert first.number.startswith(f"FA{first.issue_date.year}-")
    credit_notes = Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE)
    assert credit_notes.exists()
    assert not credit_notes.filter(amount__gte=0).exists()
    assert credit_notes.count() < 0.06 * invoices.count()


def test_the_aged_balance_has_money_in_every_bucket_most_of_it_recent(demo):
    (total,) = aged_balance(Customer.objects.all(), as_of=TODAY, by=Grouping.TOTAL).totals
    for key in BUCKET_KEYS:
        assert total.buckets[key] > 0, key
    assert total.unallocated > 0  # payments on account
    recent = total.buckets["not_due"] + total.buckets["1_30"]
    assert recent > total.total / 2


def test_some_customers_are_far_over_their_credit_limit(demo):
    exposures = Customer.objects.filter(credit_limit__isnull=False).annotate(
        exposure=Sum("invoices__open_amount")
    )
    over = [c for c in exposures if c.exposure and c.exposure > c.credit_limit]
    assert any(c.exposure > Decimal("1.5") * c.credit_limit for c in over)
    assert len(over) < CUSTOMERS / 4


def test_open_amounts_are_the_amounts_less_their_allocations(demo):
    invoices = Invoice.objects.annotate(
        received=Sum("allocations__amount", default=Decimal(0)),
    ).in_bulk()
    given = dict(
        Allocation.objects.filter(credit_note__isnull=False)
        .values("credit_note")
        .annotate(total=Sum("amount"))
        .values_list("credit_note", "total")
    )
    for invoice in invoices.values():
        expected = invoice.amount - invoice.received + given.get(invoice.pk, Decimal(0))
        assert invoice.open_amount == expected, invoice.number
        if invoice.kind == InvoiceKind.INVOICE:
            assert Decimal(0) <= invoice.open_amount <= invoice.amount, invoice.number
    payments = Payment.objects.annotate(used=Sum("allocations__amount", default=Decimal(0)))
    for payment in payments:
        assert payment.unallocated_amount == payment.amount - payment.used
        assert payment.unallocated_amount >= 0


def test_payments_are_lettered_on_their_date_and_credit_notes_on_theirs(demo):
    lettered = Allocation.objects.filter(payment__isnull=False)
    assert lettered.exists()
    assert not lettered.exclude(date=F("payment__date")).exists()
    credited = Allocation.objects.filter(credit_note__isnull=False)
    assert credited.exists()
    assert not credited.exclude(date=F("credit_note__issue_date")).exists()
    assert not credited.exclude(credit_note__customer=F("invoice__customer")).exists()


def test_about_a_fifth_of_the_invoices_are_open_some_of_them_in_part(demo):
    counts = Invoice.objects.filter(kind=InvoiceKind.INVOICE).aggregate(
        all=Count("pk"),
        open=Count("pk", filter=~Q(open_amount=0)),
        partly=Count("pk", filter=Q(open_amount__gt=0, open_amount__lt=F("amount"))),
    )
    assert 0.12 <= counts["open"] / counts["all"] <= 0.3
    assert counts["partly"] > 0


def test_an_invoice_with_nothing_left_to_pay_is_settled(demo):
    nothing_left = Q(open_amount__gt=Decimal("-0.005"), open_amount__lt=Decimal("0.005"))
    assert not Invoice.objects.filter(nothing_left, settled_on__isnull=True).exists()
    assert not Payment.objects.filter(
        unallocated_amount__lt=Decimal("0.005"), settled_on__isnull=True
    ).exists()
