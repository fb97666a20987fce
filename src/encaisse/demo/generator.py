"""The demo company: Transports Rhône-Loire, a French road haulier with 27 agencies.

``load_demo_company`` fills an empty ledger with a company a credit manager would recognise:
agencies, sales reps and their managers, finance and a CFO, about 1,800 customers (key
accounts, SMEs, small businesses, public bodies) with valid SIREN/SIRET/VAT numbers and
contacts, 16 months of transport invoicing, credit notes, and payments that follow each
customer's habits (on time, a few weeks late, chronically late, in part, or no longer at
all), lettered to the invoices they settle (see ``demo.simulation``). As of ``today`` the
aged balance has money in every bucket and about a fifth of the invoices are open.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``: the
same seed and day give the same company. Rows are written with ``bulk_create`` in large
batches, then ``refresh_balances`` fills the open-amount cache in one set-based pass.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from typing import Protocol

from django.contrib.auth.hashers import make_password

from encaisse.accounts.models import Agency, Role, User
from encaisse.core.errors import BadInput
from encaisse.demo import cast
from encaisse.demo.identifiers import (
    ascii_text,
    french_iban,
    luhn_complete,
    money_of_cents,
    vat_number,
)
from encaisse.demo.simulation import CustomerPlan, Document, Settlement, Simulation
from encaisse.demo.summary import DemoSummary, demo_summary
from encaisse.ledger.models import (
    Allocation,
    Contact,
    Customer,
    Invoice,
    InvoiceKind,
    LegalEntity,
    Payment,
    Segment,
)
from encaisse.ledger.services import refresh_balances

BATCH = 2000  # rows per bulk_create call (Django splits further under SQLite's limits)
MIN_CUSTOMERS = 20


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


def load_demo_company(
    *, today: dt.date, seed: int = 2026, customers: int = 1800, stdout: Writer | None = None
) -> DemoSummary:
    """Create the demo company in an empty ledger, in one transaction; return what it holds.

    Agencies and users that already exist (same code, same username) are kept as they are.
    Raises BadInput when the ledger already has customers or ``customers`` is too few.
    """
    if customers < MIN_CUSTOMERS:
        raise BadInput(f"customers: {customers} is too few for a company ({MIN_CUSTOMERS} or more)")
    if Customer.objects.exists():
        raise BadInput("the demo company loads into an empty ledger; this one has customers")
    started = time.perf_counter()
    _CompanyWriter(today=today, seed=seed, stdout=stdout).write(customers)
    return demo_summary(today=today, seconds=time.perf_counter() - started)


class _CompanyWriter:
    """Draws the company from one random generator and writes it in bulk."""

    def __init__(self, *, today: dt.date, seed: int, stdout: Writer | None) -> None:
        self.today = today
        self.rng = random.Random(seed)
        # The people draw from their own stream: users kept from an earlier load leave the
        # customers unchanged.
        self.people_rng = random.Random(f"people-{seed}")
        self.simulation = Simulation(rng=self.rng, today=today)
        self.stdout = stdout
        self.sirens: set[str] = set()
        self.names: set[str] = set()

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(f"  {text}\n")

    def write(self, count: int) -> None:
        entity = self.legal_entity()
        agencies = self.agencies()
        users = self.people(agencies)
        self.say(f"{len(agencies)} agencies, {len(users)} people")
        plans = self.simulation.plan_customers(count)
        customers = self.customers(entity, plans, agencies, users)
        for plan in plans:
            self.simulation.invoice(plan)
        settlement = self.simulation.settle(plans)
        for plan, customer in zip(plans, customers, strict=True):
            limit = self.simulation.credit_limit_cents(plan)
            customer.credit_limit = None if limit is None else money_of_cents(limit)
        Customer.objects.bulk_create(customers, batch_size=BATCH)
        contacts = self.contacts(plans, customers)
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        self.say(f"{len(customers):,} customers, {len(contacts):,} contacts")
        documents = self.documents(entity, plans, customers)
        payments, allocations = self.payments(entity, plans, customers, settlement)
        self.say(
            f"{documents:,} invoices and credit notes, {payments:,} payments, "
            f"{allocations:,} allocations"
        )
        refresh_balances()
        self.say("open amounts computed")

    # -- the organisation --

    def legal_entity(self) -> LegalEntity:
        spec = cast.ENTITY
        siren = luhn_complete(spec.siren_base)
        entity, _created = LegalEntity.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "siren": siren,
                "vat_number": vat_number(siren),
                "address": spec.address,
                "iban": french_iban(*spec.bank_account),
                "bic": spec.bic,
                "email": spec.email,
            },
        )
        self.sirens.add(siren)
        return entity

    def agencies(self) -> dict[str, Agency]:
        codes = [site.code for site in cast.AGENCIES]
        existing = set(Agency.objects.filter(code__in=codes).values_list("code", flat=True))
        Agency.objects.bulk_create(
            [
                Agency(code=site.code, name=site.name, city=site.city, region=site.region)
                for site in cast.AGENCIES
                if site.code not in existing
            ]
        )
        return {agency.code: agency for agency in Agency.objects.filter(code__in=codes)}

    def people(self, agencies: dict[str, Agency]) -> dict[str, User]:
        password = make_password(cast.DEMO_PASSWORD)  # hashed once, shared by every login
        usernames = [person.username for person in cast.PEOPLE]
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        existing = set(users)
        # Managers first, so that their reps can point to them.
        for reps in (False, True):
            User.objects.bulk_create(
                [
                    self.user(person, password, agencies, users)
                    for person in cast.PEOPLE
                    if (person.role == Role.SALES_REP) == reps and person.username not in existing
                ]
            )
            users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        through = User.managed_agencies.through
        through.objects.bulk_create(
            [
                through(user_id=users[person.username].pk, agency_id=agencies[code].pk)
                for person in cast.PEOPLE
                if person.role == Role.AGENCY_MANAGER and person.username not in existing
                for code in person.covers
            ],
            ignore_conflicts=True,
        )
        return users

    def user(
        self,
        person: cast.Person,
        password: str,
        agencies: dict[str, Agency],
        managers: dict[str, User],
    ) -> User:
        return User(
            username=person.username,
            password=password,
            first_name=person.first_name,
            last_name=person.last_name,
            email=f"{ascii_text(person.first_name)}.{ascii_text(person.last_name)}@{cast.EMAIL_DOMAIN}",
            phone=self.phone(mobile=True, rng=self.people_rng),
            role=person.role,
            is_staff=person.role == Role.ADMIN,
            is_superuser=person.role == Role.ADMIN,
            agency=agencies.get(person.agency),
            manager=managers.get(person.manager),
        )

    def phone(
        self, *, mobile: bool = False, prefix: str = "04", rng: random.Random | None = None
    ) -> str:
        rng = rng or self.rng
        first = rng.choice(("06", "07")) if mobile else prefix
        return " ".join([first, *(f"{rng.randint(10, 99)}" for _ in range(4))])

    # -- the customers --

    def customers(
        self,
        entity: LegalEntity,
        plans: list[CustomerPlan],
        agencies: dict[str, Agency],
        users: dict[str, User],
    ) -> list[Customer]:
        """Each customer goes to the rep of its agency; most key accounts to a key account
        manager; a few to a colleague of the same team (history)."""
        reps = [person for person in cast.PEOPLE if person.role == Role.SALES_REP]
        territory = {code: person.username for person in reps for code in person.covers}
        manager_of = {person.username: person.manager for person in reps}
        team_of = defaultdict(list)
        for person in reps:
            if not person.key_accounts:
                team_of[person.manager].append(person.username)
        rows = []
        for plan in plans:
            rep = territory[plan.agency.code]
            if plan.segment == Segment.KEY_ACCOUNT and self.rng.random() < 0.7:
                north = plan.agency.region in cast.NORTH_REGIONS
                rep = cast.KEY_ACCOUNT_MANAGER_NORTH if north else cast.KEY_ACCOUNT_MANAGER_SOUTH
            elif self.rng.random() < 0.05:
                rep = self.rng.choice(team_of[manager_of[rep]])
            rows.append(self.customer(entity, plan, agencies[plan.agency.code], users[rep]))
        return rows

    def customer(
        self, entity: LegalEntity, plan: CustomerPlan, agency: Agency, rep: User
    ) -> Customer:
        rng = self.rng
        name, domain, siren_prefix, (postal_code, town) = self.company_name(plan)
        siren = self.siren(siren_prefix)
        establishment = rng.choice(("0001", "0002", "0003", "0004", "0005", "0012"))
        mailbox = rng.choice(("comptabilite", "compta", "factures", "fournisseurs"))
        return Customer(
            entity=entity,
            external_id=f"C{plan.index + 1:05d}",
            name=name,
            siren=siren,
            siret=luhn_complete(siren + establishment),
            vat_number=vat_number(siren),
            segment=plan.segment,
            payment_terms_days=plan.terms,
            sales_rep=rep,
            agency=agency,
            address=f"{rng.randint(1, 180)} {rng.choice(cast.STREET_NAMES)}",
            postal_code=postal_code,
            city=town,
            country="FR",
            email=f"{mailbox}@{domain}",
            phone=self.phone(prefix=plan.agency.phone_prefix),
        )

    def company_name(self, plan: CustomerPlan) -> tuple[str, str, str, tuple[str, str]]:
        """(name, e-mail domain, first digits of the SIREN, (postal code, town)) of a
        customer near its agency."""
        rng = self.rng
        place = rng.choice(plan.agency.towns)
        if plan.segment == Segment.PUBLIC:
            for _attempt in range(20):  # one town hall per town
                pattern, domain, prefix = rng.choice(cast.PUBLIC_BODIES)
                name = pattern.format(town=place[1])
                if name not in self.names:
                    break
                place = rng.choice(plan.agency.towns)
            return (
                self.unique_name(name, []),
                domain.format(slug=ascii_text(place[1])),
                prefix,
                place,
            )
        family = rng.choice(cast.LAST_NAMES)
        if plan.segment == Segment.KEY_ACCOUNT:
            core = rng.choice(cast.KEY_ACCOUNT_PATTERNS).format(name=family)
            form = rng.choice(cast.KEY_ACCOUNT_FORMS)
        elif plan.segment == Segment.SME:
            core = f"{rng.choice(cast.SME_TRADES)} {family}"
            form = rng.choice(cast.SME_FORMS)
        else:
            core = f"{rng.choice(cast.SMALL_TRADES)} {family}"
            form = rng.choice(cast.SMALL_FORMS)
        name = self.unique_name(
            core, [f"{core} & Fils", f"{core} Frères", f"{core} {place[1]}", f"{core} et Associés"]
        )
        domain = f"{ascii_text(name.replace('&', 'et'))}.{rng.choice(('fr', 'fr', 'com'))}"
        return f"{name} {form}".strip(), domain, str(rng.randint(3, 9)), place

    def unique_name(self, base: str, variants: list[str]) -> str:
        candidates = [base, *variants]
        number = 2
        while candidates[-1] in self.names:
            candidates.append(f"{base} {number}")
            number += 1
        name = next(candidate for candidate in candidates if candidate not in self.names)
        self.names.add(name)
        return name

    def siren(self, prefix: str) -> str:
        """A valid SIREN, unique in the demo; public bodies' start with their category."""
        while True:
            digits = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(8 - len(prefix)))
            siren = luhn_complete(digits)
            if siren not in self.sirens and not siren.startswith("356000000"):  # La Poste's
                self.sirens.add(siren)
                return siren

    def contacts(self, plans: list[CustomerPlan], customers: list[Customer]) -> list[Contact]:
        """One to three people per customer; the first is the collection contact."""
        rng = self.rng
        contacts = []
        for plan, customer in zip(plans, customers, strict=True):
            domain = customer.email.partition("@")[2]
            titles = cast.CONTACT_ROLES[plan.segment]
            for position in range(rng.choice((1, 2, 2, 3))):
                woman = rng.random() < 0.5
                first = rng.choice(cast.FIRST_NAMES_WOMEN if woman else cast.FIRST_NAMES_MEN)
                last = rng.choice(cast.LAST_NAMES)
                mobile = rng.random() < 0.3
                contacts.append(
                    Contact(
                        customer=customer,
                        name=f"{first} {last}",
                        job_title=titles[position][woman],
                        email=f"{ascii_text(first)}.{ascii_text(last)}@{domain}",
                        phone=self.phone(mobile=mobile, prefix=plan.agency.phone_prefix),
                        is_primary=position == 0,
                    )
                )
        return contacts

    # -- the ledger --

    def documents(
        self, entity: LegalEntity, plans: list[CustomerPlan], customers: list[Customer]
    ) -> int:
        """Number the invoices and credit notes in date order, per year, and write them."""
        documents = [document for plan in plans for document in plan.documents]
        documents.sort(key=lambda d: (d.issue, d.customer, d.kind, -d.cents))
        sequence: dict[tuple[str, int], int] = defaultdict(int)
        for document in documents:
            prefix = "FA" if document.kind == InvoiceKind.INVOICE else "AV"
            year = document.issue.year
            sequence[prefix, year] += 1
            document.number = f"{prefix}{year}-{sequence[prefix, year]:06d}"
        invoices = [
            Invoice(
                entity=entity,
                customer_id=customers[document.customer].pk,
                kind=document.kind,
                number=document.number,
                issue_date=document.issue,
                due_date=document.due,
                amount=money_of_cents(document.cents),
                currency="EUR",
                open_amount=money_of_cents(document.cents),
            )
            for document in documents
        ]
        Invoice.objects.bulk_create(invoices, batch_size=BATCH)
        if any(invoice.pk is None for invoice in invoices):  # no RETURNING on this database
            pks = dict(Invoice.objects.filter(entity=entity).values_list("number", "pk"))
            for invoice in invoices:
                invoice.pk = pks[invoice.number]
        for document, invoice in zip(documents, invoices, strict=True):
            document.pk = invoice.pk
        return len(documents)

    def payments(
        self,
        entity: LegalEntity,
        plans: list[CustomerPlan],
        customers: list[Customer],
        settlement: Settlement,
    ) -> tuple[int, int]:
        """One payment per customer and day (a transfer settles several invoices), lettered
        to them on its date; then the credit notes lettered on theirs."""
        received: list[tuple[int, dt.date, int, list[tuple[Document, int]]]] = [
            (customer, day, sum(cents for _document, cents in parts), parts)
            for (customer, day), parts in settlement.payments.items()
        ]
        received += [(customer, day, cents, []) for customer, day, cents in settlement.on_account]
        received.sort(key=lambda payment: (payment[1], payment[0], payment[2]))
        payments = [
            Payment(
                entity=entity,
                customer_id=customers[customer].pk,
                reference=f"{plans[customer].method}-{day:%y%m%d}-{number:05d}",
                date=day,
                amount=money_of_cents(cents),
                currency="EUR",
                unallocated_amount=money_of_cents(cents),
            )
            for number, (customer, day, cents, _parts) in enumerate(received, start=1)
        ]
        Payment.objects.bulk_create(payments, batch_size=BATCH)
        if any(payment.pk is None for payment in payments):  # no RETURNING on this database
            pks = dict(Payment.objects.filter(entity=entity).values_list("reference", "pk"))
            for payment in payments:
                payment.pk = pks[payment.reference]
        allocations = [
            Allocation(
                invoice_id=document.pk,
                payment_id=payment.pk,
                amount=money_of_cents(cents),
                date=day,
            )
            for payment, (_customer, day, _cents, parts) in zip(payments, received, strict=True)
            for document, cents in parts
        ]
        allocations += [
            Allocation(
                invoice_id=invoice.pk,
                credit_note_id=credit_note.pk,
                amount=money_of_cents(cents),
                date=credit_note.issue,
            )
            for invoice, credit_note, cents in settlement.lettering
        ]
        Allocation.objects.bulk_create(allocations, batch_size=BATCH)
        return len(payments), len(allocations)
