"""A returned credit (camt.053 RvslInd, or its return information with an ISO reason) finds
the payment it gives back, undoes its lettering from the return's date, tells the rep and
finance; one that matches nothing waits in the reconciliation queue. Importing the
statement again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from encaisse.banking.models import BankLine, LineStatus, MatchMethod
from encaisse.banking.returns import reconcile_return
from encaisse.banking.selectors import lines_to_reconcile, return_candidates
from encaisse.banking.tests.conftest import import_bank
from encaisse.collaboration.models import Notification
from encaisse.ledger.models import Invoice, Payment


def tx(
    amount: str,
    *,
    indicator: str = "CRDT",
    booked: str = "2026-03-05",
    reference: str = "",
    end_to_end: str = "",
    text: str = "",
    name: str = "Boulangeries du Lyonnais",
    reversal: bool = False,
    reason: str = "",
) -> str:
    party = "Dbtr" if indicator == "CRDT" else "Cdtr"
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        + ("<RvslInd>true</RvslInd>" if reversal else "")
        + f"<Sts>BOOK</Sts><BookgDt><Dt>{booked}</Dt></BookgDt>"
        + (f"<AcctSvcrRef>{reference}</AcctSvcrRef>" if reference else "")
        + "<NtryDtls><TxDtls>"
        + (f"<Refs><EndToEndId>{end_to_end}</EndToEndId></Refs>" if end_to_end else "")
        + f"<RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties>"
        + (f"<RmtInf><Ustrd>{text}</Ustrd></RmtInf>" if text else "")
        + (f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else "")
        + "</TxDtls></NtryDtls></Ntry>"
    )


def paid_then_returned() -> tuple[str, str]:
    credit = tx("4500.00", reference="R1", end_to_end="E2E-1", text="FACTURE FA-2026-0110")
    back = tx(
        "4500.00",
        indicator="DBIT",
        booked="2026-03-09",
        reference="R2",
        end_to_end="E2E-1",
        reversal=True,
        reason="AC04",
    )
    return credit, back


def test_a_credit_and_its_return_in_one_statement_leave_the_invoice_open(
    ledger, camt, rep_remi, finance_fanny
):
    credit, back = paid_then_returned()
    result = import_bank(camt(credit, back))
    assert result.ok, result.problems
    invoice = Invoice.objects.get(number="FA-2026-0110")
    assert (invoice.open_amount, invoice.settled_on) == (Decimal("4500.00"), None)
    returned = BankLine.objects.get(amount=Decimal("-4500.00"))
    assert (returned.status, returned.match_method) == (LineStatus.MATCHED, MatchMethod.RETURNED)
    assert returned.payment.returns == BankLine.objects.get(amount=Decimal("4500.00")).payment
    assert returned.payment.return_reason == "AC04"
    assert returned.payment.date == dt.date(2026, 3, 9)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"remi", "fanny"} <= told
    assert "returned payment" in result.message


def test_a_return_in_a_later_statement_is_tied_by_its_end_to_end_id(ledger, camt):
    credit, back = paid_then_returned()
    import_bank(camt(credit, statement_id="S1", name="a.xml"))
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == 0
    import_bank(camt(back, statement_id="S2", name="b.xml"))
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == Decimal("4500.00")
    again = import_bank(camt(back, statement_id="S2", name="b.xml"))
    assert again.ok
    assert Payment.objects.filter(returns__isnull=False).count() == 1
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == Decimal("4500.00")


def test_a_return_that_matches_nothing_waits_for_finance_to_name_its_payment(
    ledger, camt, finance_fanny, client
):
    import_bank(camt(tx("4500.00", reference="R1", text="FACTURE FA-2026-0110"), name="a.xml"))
    unknown = tx("4500.00", indicator="DBIT", reference="R9", name="BANQUE", reason="AM04")
    import_bank(camt(unknown, statement_id="S2", name="b.xml"))
    line = BankLine.objects.get(amount=Decimal("-4500.00"))
    assert line.status == LineStatus.TO_RECONCILE
    assert line in lines_to_reconcile(finance_fanny)
    (candidate,) = return_candidates(finance_fanny, line)
    client.force_login(finance_fanny)
    page = client.get("/bank/reconciliation/").content.decode()
    assert "AM04 insufficient funds" in page
    response = client.post(f"/bank/lines/{line.pk}/return/", {"payment": candidate.pk})
    assert response.status_code in (200, 302)
    line.refresh_from_db()
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.RETURNED)
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == Decimal("4500.00")
    assert line.reconciled_by == finance_fanny


def test_a_return_cannot_be_tied_to_a_payment_of_another_amount(ledger, camt, finance_fanny):
    import_bank(camt(tx("4500.00", reference="R1", text="FACTURE FA-2026-0110"), name="a.xml"))
    import_bank(camt(tx("100.00", indicator="DBIT", reason="AM04", name="X"), statement_id="S2"))
    line = BankLine.objects.get(amount=Decimal("-100.00"))
    payment = Payment.objects.get(amount=Decimal("4500.00"))
    import pytest

    from encaisse.core.errors import BadInput

    with pytest.raises(BadInput, match="the payment is of"):
        reconcile_return(line=line, payment=payment, user=finance_fanny)
    assert Invoice.objects.get(number="FA-2026-0110").open_amount == 0


def test_an_mt940_reversal_takes_the_payment_back(ledger, tmp_path):
    """SG's statement: Menuiserie Arnaud's 780,00 pays FA-2026-0130; the next day the bank
    reverses it (RC), naming the same reference."""
    from encaisse.banking.tests.conftest import MT940

    original = MT940.read_bytes()
    first = tmp_path / "j1.sta"
    first.write_bytes(original)
    import_bank(first)
    assert Invoice.objects.get(number="FA-2026-0130").open_amount == 0
    reversal = (
        original.replace(b":20:SG260306000123", b":20:SG260307000124")
        .replace(b":28C:00065/001", b":28C:00066/001")
        .replace(b":60F:C260305EUR48210,17", b":60F:C260306EUR50103,77")
        .replace(
            b":61:2603060306C780,00NTRFNONREF//SG0603260004411",
            b":61:2603070307RC780,00NRTINONREF//SG0703260005001",
        )
        .replace(b"VIR SEPA RECU /DE MENUISERIE", b"RETOUR VIR SEPA /DE MENUISERIE")
        .replace(b":62F:C260306EUR50103,77", b":62F:C260307EUR48037,37")
    )
    reversal = reversal.replace(
        reversal[reversal.index(b":61:2603060306C1200") : reversal.index(b":62F:")], b""
    )
    second = tmp_path / "j2.sta"
    second.write_bytes(reversal)
    result = import_bank(second)
    assert result.ok, (result.message, result.problems)
    line = BankLine.objects.get(amount=Decimal("-780.00"))
    assert (line.status, line.match_method) == (LineStatus.MATCHED, MatchMethod.RETURNED)
    assert Invoice.objects.get(number="FA-2026-0130").open_amount == Decimal("780.00")
