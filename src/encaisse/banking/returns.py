"""Returned payments (impayés) on a bank statement: a transfer the payer's bank sent back, a
rejected direct debit. The line is money going out that undoes an earlier payment.

The payment it reverses is found by the end-to-end id of the original transfer, else by a
payment reference in the line's text, else by the customer (known IBAN or exact name) and
the amount; the payment's allocations are then undone as of the return's date
(``ledger.services.record_payment_return``), the invoices are open again and dunning takes
them up at the step they had reached. The customer's rep and finance are told. A return
that matches nothing waits in the reconciliation queue, where finance names the payment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from encaisse.accounts.models import Role, User
from encaisse.banking.matching import invoice_number_candidates, normalize_name
from encaisse.banking.models import BankLine, CustomerIban, LineStatus, MatchMethod
from encaisse.collaboration.services import language_of, notify
from encaisse.core.errors import BadInput
from encaisse.core.money import format_money
from encaisse.ledger.models import Customer, LegalEntity, Payment
from encaisse.ledger.services import record_payment_return
from encaisse.ledger.vocabulary import return_reason_label

MEANINGLESS_IDS = {"", "NOTPROVIDED", "NONREF", "NONE"}


def is_return(line: object) -> bool:
    """A debit that gives back an earlier credit: a reversal, or a line with a return reason."""
    amount = getattr(line, "amount", 0)
    return amount < 0 and (
        bool(getattr(line, "is_reversal", False)) or bool(getattr(line, "return_reason", ""))
    )


@dataclass(frozen=True)
class ReturnedLine:
    """A stored return line and what the statement says of it."""

    line: BankLine
    return_reason: str


def returned_payments(lines: list[ReturnedLine], entity: LegalEntity) -> dict[int, Payment]:
    """The payment each return line gives back, by line pk, when it is certain; each payment
    once, never one returned already."""
    found: dict[int, Payment] = {}
    claimed: set[int] = set()

    def take(line: BankLine, candidates: Iterable[Payment]) -> bool:
        fitting = [
            payment
            for payment in candidates
            if payment.pk not in claimed
            and payment.amount == -line.amount
            and payment.currency == line.currency
            and payment.date <= line.booking_date
            and payment.returns_id is None
            and not payment.returned_by.exists()
        ]
        if len(fitting) != 1:
            return False
        claimed.add(fitting[0].pk)
        found[line.pk] = fitting[0]
        return True

    payments = Payment.objects.filter(entity=entity, amount__gt=0)
    for item in lines:
        line = item.line
        end_to_end = line.end_to_end_id.strip()
        if end_to_end.upper() not in MEANINGLESS_IDS and take(
            line,
            payments.filter(bank_line__end_to_end_id=end_to_end, bank_line__account__entity=entity),
        ):
            continue
        tokens = sorted(
            invoice_number_candidates(line.remittance_info, line.additional_info)
            | ({line.bank_reference.upper()} if line.bank_reference else set())
        )
        if tokens and take(line, payments.filter(reference__in=tokens)):
            continue
        customers = set(
            CustomerIban.objects.filter(
                iban=line.counterparty_iban, customer__entity=entity
            ).values_list("customer_id", flat=True)
        ) if line.counterparty_iban else set()  # fmt: skip
        if not customers and line.counterparty_name:
            wanted = normalize_name(line.counterparty_name)
            customers = {
                pk
                for pk, name in Customer.objects.filter(entity=entity).values_list("pk", "name")
                if normalize_name(name) == wanted
            }
        if len(customers) == 1:
            latest = payments.filter(customer_id=customers.pop(), amount=-line.amount).order_by(
                "-date", "-pk"
            )[:1]
            take(line, latest)
    return found


def record_returns(lines: list[ReturnedLine], entity: LegalEntity) -> tuple[int, int]:
    """Undo the payments the return lines give back; the others wait in the queue.
    Returns (recorded, waiting)."""
    found = returned_payments(lines, entity)
    returned: list[tuple[Payment, Payment]] = []
    for item in lines:
        payment = found.get(item.line.pk)
        if payment is None:
            continue
        back = _record(item.line, payment, item.return_reason, user=None, tell=False)
        returned.append((back, payment))
    _tell_many(returned)
    return len(found), len(lines) - len(found)


def _record(
    line: BankLine, payment: Payment, reason: str, user: User | None, *, tell: bool = True
) -> Payment:
    back = record_payment_return(
        payment=payment,
        returned_on=line.booking_date,
        reference=f"RET-{line.unique_key[:20]}",
        reason=reason,
    )
    line.payment = back
    line.status = LineStatus.MATCHED
    line.match_method = MatchMethod.RETURNED
    fields = ["payment", "status", "match_method"]
    if user is not None:
        line.reconciled_by, line.reconciled_at = user, timezone.now()
        fields += ["reconciled_by", "reconciled_at"]
    line.save(update_fields=fields)
    if tell:
        _tell(back, payment)
    return back


@transaction.atomic
def reconcile_return(*, line: BankLine, payment: Payment, user: User) -> BankLine:
    """Finance names the payment a return line gives back (from the reconciliation queue)."""
    line = BankLine.objects.select_for_update().select_related("account").get(pk=line.pk)
    if line.status != LineStatus.TO_RECONCILE or not line.amount < 0:
        raise BadInput(_("this line is not a returned payment waiting (refresh the page)"))
    if payment.entity_id != line.account.entity_id:
        raise BadInput(_("this payment belongs to another legal entity than this account"))
    if payment.amount != -line.amount:
        raise BadInput(
            _("the payment is of %(amount)s, the return of %(returned)s")
            % {
                "amount": format_money(payment.amount, payment.currency),
                "returned": format_money(-line.amount, line.currency),
            }
        )
    _record(line, payment, line.return_reason, user=user)
    return line


def _finance() -> list[User]:
    return list(User.objects.filter(role=Role.FINANCE, is_active=True))


def _tell_many(returned: list[tuple[Payment, Payment]]) -> None:
    """The returns of one statement: each person hears once, of those they may see (the
    rep of their customers', finance of all); one return reads as _tell says it."""
    if not returned:
        return
    finance = _finance()
    heard: dict[int, tuple[User, list[tuple[Payment, Payment]]]] = {}
    for back, payment in returned:
        rep = payment.customer.sales_rep
        people = [*([rep] if rep is not None and rep.is_active else []), *finance]
        for person in people:
            heard.setdefault(person.pk, (person, []))[1].append((back, payment))
    for person, theirs in heard.values():
        if len(theirs) == 1:
            _tell(*theirs[0], people=[person])
            continue
        with override(language_of(person)):
            notify(
                recipient=person,
                title=ngettext(
                    "%(count)d payment returned by the bank",
                    "%(count)d payments returned by the bank",
                    len(theirs),
                )
                % {"count": len(theirs)},
                body="\n".join(
                    _("- %(customer)s, %(amount)s: %(reason)s")
                    % {
                        "customer": payment.customer.name,
                        "amount": format_money(payment.amount, payment.currency),
                        "reason": return_reason_label(back.return_reason) or "-",
                    }
                    for back, payment in theirs[:20]
                ),
                url=reverse("customer-list"),
            )


def _tell(back: Payment, payment: Payment, people: list[User] | None = None) -> None:
    """The rep and finance hear of it: the invoices are due again."""
    customer = payment.customer
    if people is None:
        known = {customer.sales_rep_id: customer.sales_rep} if customer.sales_rep else {}
        for user in _finance():
            known.setdefault(user.pk, user)
        people = [person for person in known.values() if person is not None]
    url = reverse("customer-detail", args=[customer.pk])
    for person in people:
        with override(language_of(person)):
            reason = return_reason_label(back.return_reason)
            notify(
                recipient=person,
                title=_("Payment returned by the bank: %(customer)s, %(amount)s")
                % {
                    "customer": customer.name,
                    "amount": format_money(payment.amount, payment.currency),
                },
                body=(
                    _("Reason: %(reason)s. The invoices it paid are open again.")
                    % {"reason": reason}
                    if reason
                    else _("The invoices it paid are open again.")
                ),
                url=url,
                customer=customer,
            )
