"""Changes to the ledger: the one place that writes its rules. Every write that affects an
open amount ends in ``refresh_balances``.

- ``balances``: the open-amount caches, refreshed set-based;
- ``allocations``: lettering (payments, credit notes, refunds), lettering codes, returns;
- ``documents``: an invoice at a time, what a lettered one may change, its PDF;
- ``entities``: the legal entities (your company);
- ``customers``: a customer's collection data and contacts as finance edits them;
- ``bulk``: an import's staged customers, invoices and payments written set-based.
"""

from encaisse.ledger.services.allocations import (
    Lettered,
    allocate,
    letter_by_codes,
    record_allocations,
    record_allocations_selected,
    record_payment_return,
    settle_lettered,
    settleable,
)
from encaisse.ledger.services.balances import MONEY_FIELD, allocated_sum, refresh_balances
from encaisse.ledger.services.bulk import write_staged
from encaisse.ledger.services.customers import (
    ContactEdit,
    CustomerEdit,
    InvalidCustomer,
    remove_contact,
    save_contact,
    update_customer,
)
from encaisse.ledger.services.documents import (
    lettered_invoice_changes,
    record_invoice,
    record_invoice_document,
)
from encaisse.ledger.services.entities import (
    InvalidLegalEntity,
    clean_legal_entity_code,
    create_legal_entity,
    set_legal_entity_logo,
    update_legal_entity,
)

__all__ = [
    "MONEY_FIELD",
    "ContactEdit",
    "CustomerEdit",
    "InvalidCustomer",
    "InvalidLegalEntity",
    "Lettered",
    "allocate",
    "allocated_sum",
    "clean_legal_entity_code",
    "create_legal_entity",
    "letter_by_codes",
    "lettered_invoice_changes",
    "record_allocations",
    "record_allocations_selected",
    "record_invoice",
    "record_invoice_document",
    "record_payment_return",
    "refresh_balances",
    "remove_contact",
    "save_contact",
    "set_legal_entity_logo",
    "settle_lettered",
    "settleable",
    "update_customer",
    "update_legal_entity",
    "write_staged",
]
