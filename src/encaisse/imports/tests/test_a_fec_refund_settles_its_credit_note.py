"""A FEC's refund: a debit on the customer account in a bank entry is money paid back to
the customer, a negative payment, lettered with the credit note it pays back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.imports.fec.service import import_fec
from encaisse.imports.tests.fec_samples import HEADER
from encaisse.ledger.models import Allocation, Invoice, InvoiceKind, Payment

LINES = [
    # A credit note of 120,00 for Durand (sales journal), lettered C.
    "VE|Ventes|VE-2026-0010|20/02/2026|411DUR|Durand Père et Fils|||AV-2026-0003|20/02/2026|"
    "Avoir Durand|0,00|120,00|C|05/03/2026|20/02/2026||",
    "VE|Ventes|VE-2026-0010|20/02/2026|70600000|Prestations de services|||AV-2026-0003|"
    "20/02/2026|Avoir Durand|100,00|0,00|||20/02/2026||",
    "VE|Ventes|VE-2026-0010|20/02/2026|44571000|TVA collectée 20%|||AV-2026-0003|20/02/2026|"
    "Avoir Durand|20,00|0,00|||20/02/2026||",
    # Paid back by transfer on 5 March (bank journal): a debit on 411, lettered C.
    "BQ|Qonto|BQ-2026-0011|05/03/2026|411DUR|Durand Père et Fils|||Remboursement|05/03/2026|"
    "REMBOURSEMENT AVOIR AV-2026-0003|120,00|0,00|C|05/03/2026|05/03/2026||",
    "BQ|Qonto|BQ-2026-0011|05/03/2026|51200000|Qonto|||Remboursement|05/03/2026|"
    "REMBOURSEMENT AVOIR AV-2026-0003|0,00|120,00|||05/03/2026||",
]
FEC = "\n".join(["|".join(HEADER), *LINES]) + "\n"


def test_a_bank_debit_on_the_customer_account_refunds_its_credit_note(entity, write_file):
    path = write_file("fec.txt", FEC)
    result = import_fec(path=path)
    assert result.ok, result.problems
    note = Invoice.objects.get(number="AV-2026-0003")
    assert note.kind == InvoiceKind.CREDIT_NOTE
    assert (note.open_amount, note.settled_on) == (Decimal("0.00"), dt.date(2026, 3, 5))
    refund = Payment.objects.get()
    assert (refund.reference, refund.amount, refund.unallocated_amount) == (
        "BQ-2026-0011",
        Decimal("-120.00"),
        Decimal("0.00"),
    )
    assert refund.is_refund
    assert Allocation.objects.get().amount == Decimal("-120.00")
    again = import_fec(path=path)
    assert again.ok
    assert Allocation.objects.count() == 1
    assert not Invoice.objects.filter(kind=InvoiceKind.INVOICE).exists()
