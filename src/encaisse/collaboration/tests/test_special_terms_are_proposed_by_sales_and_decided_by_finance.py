"""A rep records terms agreed at the sale; finance confirms or refuses them; each side is
told, in their own language; bad input is refused with the field named and nothing kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.collaboration.models import Notification, SpecialTerms, TermsKind, TermsStatus
from encaisse.collaboration.terms import (
    Instalment,
    TermsDocument,
    decide_terms,
    propose_terms,
)
from encaisse.core.errors import BadInput
from encaisse.ledger.tests.factories import CreditNoteFactory, InvoiceFactory

TODAY = dt.date(2026, 3, 5)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def customer(portfolios):
    return portfolios["remi1"]


@pytest.fixture
def invoice(customer):
    return InvoiceFactory(
        customer=customer,
        number="F-TERMS-1",
        issue_date=dt.date(2026, 2, 1),
        due_date=dt.date(2026, 3, 3),
        amount=Decimal("900.00"),
    )


def propose(customer, rep, **kwargs):
    kwargs.setdefault("kind", TermsKind.EXTENDED_DUE_DATE)
    return propose_terms(customer=customer, proposed_by=rep, today=TODAY, **kwargs)


def test_a_rep_proposes_a_longer_due_date_and_finance_is_told(
    english_speaking, customer, invoice, rep_remi, finance_fanny
):
    english_speaking()
    terms = propose(
        customer,
        rep_remi,
        invoice=invoice,
        new_due_date=dt.date(2026, 4, 30),
        note="Agreed with the buyer",
        document=TermsDocument(content=PDF, name="accord.pdf"),
    )
    assert terms.status == TermsStatus.PROPOSED
    assert terms.document_type == "application/pdf"
    assert terms.document.read() == PDF
    (told,) = Notification.objects.filter(recipient=finance_fanny)
    assert told.title == f"Special terms to confirm: {customer.name}"
    assert "F-TERMS-1" in told.body
    assert told.url.endswith("#special-terms")
    assert not Notification.objects.filter(recipient=rep_remi).exists()


def test_finance_confirms_and_the_rep_who_proposed_is_told(
    english_speaking, customer, invoice, rep_remi, finance_fanny
):
    english_speaking()
    terms = propose(customer, rep_remi, invoice=invoice, extra_days=30)
    decided = decide_terms(terms=terms, decided_by=finance_fanny, confirm=True)
    assert decided.status == TermsStatus.CONFIRMED
    assert decided.decided_by == finance_fanny
    (told,) = Notification.objects.filter(recipient=rep_remi)
    assert told.title == f"Special terms confirmed: {customer.name}"
    assert told.customer == customer


def test_finance_refuses_saying_why(english_speaking, customer, invoice, rep_remi, finance_fanny):
    english_speaking()
    terms = propose(customer, rep_remi, invoice=invoice, extra_days=30)
    with pytest.raises(BadInput, match="why"):
        decide_terms(terms=terms, decided_by=finance_fanny, confirm=False)
    refused = decide_terms(
        terms=terms, decided_by=finance_fanny, confirm=False, note="Not in our policy"
    )
    assert refused.status == TermsStatus.REFUSED
    assert refused.decision_note == "Not in our policy"
    assert Notification.objects.get(recipient=rep_remi).body == "Not in our policy"
    with pytest.raises(BadInput, match="already decided"):
        decide_terms(terms=terms, decided_by=finance_fanny, confirm=True)


def test_a_rep_may_not_decide_terms(english_speaking, customer, invoice, rep_remi, manager_maud):
    english_speaking()
    terms = propose(customer, rep_remi, invoice=invoice, extra_days=30)
    with pytest.raises(BadInput):
        decide_terms(terms=terms, decided_by=manager_maud, confirm=True)
    terms.refresh_from_db()
    assert terms.status == TermsStatus.PROPOSED


def test_new_confirmed_dates_replace_the_old_ones_on_the_same_invoice(
    english_speaking, customer, invoice, rep_remi, finance_fanny
):
    english_speaking()
    first = propose(customer, rep_remi, invoice=invoice, extra_days=15)
    decide_terms(terms=first, decided_by=finance_fanny, confirm=True)
    second = propose(customer, rep_remi, invoice=invoice, extra_days=45)
    decide_terms(terms=second, decided_by=finance_fanny, confirm=True)
    first.refresh_from_db()
    assert first.status == TermsStatus.ENDED


def test_an_instalment_plan_and_a_discount_are_recorded(
    english_speaking, customer, invoice, rep_remi
):
    english_speaking()
    plan = propose(
        customer,
        rep_remi,
        kind=TermsKind.INSTALMENTS,
        invoice=invoice,
        instalments=[
            Instalment(dt.date(2026, 4, 3), Decimal("300")),
            Instalment(dt.date(2026, 3, 3), Decimal("600")),
        ],
    )
    assert [(i.due_date, i.amount) for i in plan.instalments.all()] == [
        (dt.date(2026, 3, 3), Decimal("600")),
        (dt.date(2026, 4, 3), Decimal("300")),
    ]
    discount = propose(customer, rep_remi, kind=TermsKind.DISCOUNT, discount_percent=Decimal("2.5"))
    assert discount.invoice is None
    assert discount.applies_from == TODAY


BAD = [
    ({"extra_days": 0}, "extra days"),
    ({"extra_days": 400}, "extra days"),
    ({"new_due_date": dt.date(2026, 1, 15)}, "before the invoice's issue date"),
    ({"new_due_date": dt.date(2026, 3, 1)}, "later than the current due date"),
    ({"new_due_date": dt.date(2026, 5, 1), "extra_days": 3}, "new due date"),
    (
        {
            "kind": TermsKind.INSTALMENTS,
            "instalments": [
                Instalment(dt.date(2026, 4, 1), Decimal("400")),
                Instalment(dt.date(2026, 5, 1), Decimal("400")),
            ],
        },
        "add up to 800.00, the open amount is 900.00",
    ),
    (
        {
            "kind": TermsKind.INSTALMENTS,
            "instalments": [
                Instalment(dt.date(2026, 1, 1), Decimal("450")),
                Instalment(dt.date(2026, 5, 1), Decimal("450")),
            ],
        },
        "instalments: 2026-01-01 is before the invoice's issue date",
    ),
    (
        {"kind": TermsKind.INSTALMENTS, "instalments": [Instalment(dt.date(2026, 4, 1), 900)]},
        "at least two",
    ),
    ({"kind": TermsKind.DISCOUNT}, "discount"),
    ({"kind": TermsKind.DISCOUNT, "discount_percent": Decimal("120")}, "discount"),
    ({"kind": TermsKind.DISCOUNT, "discount_amount": Decimal("5000")}, "discount"),
]


@pytest.mark.parametrize(("given", "message"), BAD)
def test_bad_terms_are_refused_naming_the_field(
    english_speaking, customer, invoice, rep_remi, given, message
):
    english_speaking()
    given = {"invoice": invoice, **given}
    with pytest.raises(BadInput, match=message):
        propose(customer, rep_remi, **given)
    assert not SpecialTerms.objects.exists()
    assert not Notification.objects.exists()


def test_terms_on_another_customers_paid_or_credit_invoice_are_refused(
    english_speaking, customer, portfolios, rep_remi
):
    english_speaking()
    foreign = InvoiceFactory(customer=portfolios["paul1"], number="F-PAUL-X")
    paid = InvoiceFactory(customer=customer, number="F-PAID", open_amount=Decimal("0"))
    credit = CreditNoteFactory(customer=customer, number="AV-1")
    for invoice, message in (
        (foreign, "invoice: F-PAUL-X belongs to another customer"),
        (paid, "invoice: F-PAID is already paid"),
        (credit, "invoice: AV-1 is a credit note"),
    ):
        with pytest.raises(BadInput, match=message):
            propose(customer, rep_remi, invoice=invoice, extra_days=10)
    with pytest.raises(BadInput, match="one invoice"):
        propose(customer, rep_remi, kind=TermsKind.INSTALMENTS)
    assert not SpecialTerms.objects.exists()


HOSTILE = [
    (b"MZ\x90\x00 not a document", "accord.pdf", "only a PDF, PNG or JPEG"),
    (b"<html><script>alert(1)</script>", "accord.html", "only a PDF, PNG or JPEG"),
    (PDF, "accord.html", "is not what its name says"),
    (PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript /JS (x) >>"), "a.pdf",
     "scripts"),
    (b"", "vide.pdf", "empty"),
    (b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1), "big.pdf", "larger than 5 MB"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "name", "message"), HOSTILE)
def test_hostile_documents_are_refused(
    english_speaking, customer, invoice, rep_remi, content, name, message
):
    english_speaking()
    with pytest.raises(BadInput, match=f"document: .*{message}"):
        propose(
            customer,
            rep_remi,
            invoice=invoice,
            extra_days=10,
            document=TermsDocument(content=content, name=name),
        )
    assert not SpecialTerms.objects.exists()


def test_a_read_only_user_records_no_terms(english_speaking, customer, invoice, viewer_victor):
    english_speaking()
    with pytest.raises(BadInput):
        propose(customer, viewer_victor, invoice=invoice, extra_days=10)
