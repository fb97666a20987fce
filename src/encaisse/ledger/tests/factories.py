"""Factories for the ledger and accounts (one place, reused by every app's tests)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from encaisse.accounts.models import Agency, Role, User
from encaisse.ledger.models import Contact, Customer, Invoice, InvoiceKind, LegalEntity, Payment


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n:02d}")
    name = factory.Sequence(lambda n: f"Agence {n}")
    city = "Lyon"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.SALES_REP
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-42")

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class LegalEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalEntity
        django_get_or_create = ("code",)

    code = "TRL"
    name = "Transports Rhône-Loire SAS"


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    entity = factory.SubFactory(LegalEntityFactory)
    external_id = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Faker("company", locale="fr_FR")
    segment = "sme"
    payment_terms_days = 30
    credit_limit = Decimal("50000.00")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name", locale="fr_FR")
    email = factory.Faker("email")
    is_primary = True


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    customer = factory.SubFactory(CustomerFactory)
    entity = factory.LazyAttribute(lambda i: i.customer.entity)
    kind = InvoiceKind.INVOICE
    number = factory.Sequence(lambda n: f"F{n:06d}")
    issue_date = dt.date(2026, 1, 1)
    due_date = factory.LazyAttribute(lambda i: i.issue_date + dt.timedelta(days=30))
    amount = Decimal("1000.00")
    currency = "EUR"
    open_amount = factory.LazyAttribute(lambda i: i.amount)


class CreditNoteFactory(InvoiceFactory):
    kind = InvoiceKind.CREDIT_NOTE
    number = factory.Sequence(lambda n: f"AV{n:06d}")
    amount = Decimal("-100.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    customer = factory.SubFactory(CustomerFactory)
    entity = factory.LazyAttribute(lambda p: p.customer.entity)
    reference = factory.Sequence(lambda n: f"VIR{n:06d}")
    date = dt.date(2026, 2, 1)
    amount = Decimal("500.00")
    currency = "EUR"
    unallocated_amount = factory.LazyAttribute(lambda p: p.amount)
