"""FEC files as French accounting software writes them, for the FEC import tests."""

from __future__ import annotations

from collections.abc import Callable

HEADER = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip

# Sage 100 style: tab separated, YYYYMMDD, decimal comma, Windows-1252 (é, ü, &).
# Three sales (one partly paid, one settled by a payment and a credit note), a supplier
# invoice (401, ignored), two bank receipts and a credit note.
SAGE_LINES = [
    # journal, label, entry, date, account, account label, aux, aux label, piece, piece date,
    # label, debit, credit, letter, lettered on
    ("VT", "Journal des ventes", "VT000001", "20260105", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "FA2026-001", "20260105", "Facture FA2026-001", "1200,00", "0,00",
     "AA", "20260212"),
    ("VT", "Journal des ventes", "VT000001", "20260105", "706000", "Prestations de services",
     "", "", "FA2026-001", "20260105", "Facture FA2026-001", "0,00", "1000,00", "", ""),
    ("VT", "Journal des ventes", "VT000001", "20260105", "445710", "TVA collectée", "", "",
     "FA2026-001", "20260105", "Facture FA2026-001", "0,00", "200,00", "", ""),
    ("VT", "Journal des ventes", "VT000002", "20260112", "411000", "Clients", "C0002",
     "Garage Müller & Fils", "FA2026-002", "20260112", "Facture FA2026-002", "2400,00", "0,00",
     "ab", "20260220"),
    ("VT", "Journal des ventes", "VT000002", "20260112", "706000", "Prestations de services",
     "", "", "FA2026-002", "20260112", "Facture FA2026-002", "0,00", "2000,00", "", ""),
    ("VT", "Journal des ventes", "VT000002", "20260112", "445710", "TVA collectée", "", "",
     "FA2026-002", "20260112", "Facture FA2026-002", "0,00", "400,00", "", ""),
    ("VT", "Journal des ventes", "VT000003", "20260120", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "FA2026-003", "20260120", "Facture FA2026-003", "600,00", "0,00",
     "AB", "20260225"),
    ("VT", "Journal des ventes", "VT000003", "20260120", "706000", "Prestations de services",
     "", "", "FA2026-003", "20260120", "Facture FA2026-003", "0,00", "500,00", "", ""),
    ("VT", "Journal des ventes", "VT000003", "20260120", "445710", "TVA collectée", "", "",
     "FA2026-003", "20260120", "Facture FA2026-003", "0,00", "100,00", "", ""),
    ("HA", "Journal des achats", "HA000001", "20260122", "401000", "Fournisseurs", "F0001",
     "Papeterie Martin", "2026-118", "20260121", "Facture Papeterie", "0,00", "360,00", "", ""),
    ("HA", "Journal des achats", "HA000001", "20260122", "606400", "Fournitures", "", "",
     "2026-118", "20260121", "Facture Papeterie", "360,00", "0,00", "", ""),
    ("VT", "Journal des ventes", "VT000004", "20260125", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "AV2026-001", "20260125", "Avoir AV2026-001", "0,00", "120,00",
     "AB", "20260225"),
    ("VT", "Journal des ventes", "VT000004", "20260125", "706000", "Prestations de services",
     "", "", "AV2026-001", "20260125", "Avoir AV2026-001", "100,00", "0,00", "", ""),
    ("VT", "Journal des ventes", "VT000004", "20260125", "445710", "TVA collectée", "", "",
     "AV2026-001", "20260125", "Avoir AV2026-001", "20,00", "0,00", "", ""),
    ("BQ1", "Banque BNP", "BQ000001", "20260210", "512000", "BNP Paribas", "", "",
     "VIR 0210", "20260210", "Vir Boulangerie Lefèvre", "1200,00", "0,00", "", ""),
    ("BQ1", "Banque BNP", "BQ000001", "20260210", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "VIR 0210", "20260210", "Vir Boulangerie Lefèvre", "0,00",
     "1200,00", "AA", "20260212"),
    ("BQ1", "Banque BNP", "BQ000002", "20260218", "512000", "BNP Paribas", "", "",
     "REM 0218", "20260218", "Remise chèques", "1480,00", "0,00", "", ""),
    ("BQ1", "Banque BNP", "BQ000002", "20260218", "411000", "Clients", "C0002",
     "Garage Müller & Fils", "CHQ 1002", "20260218", "Chq Garage Müller", "0,00", "1000,00",
     "ab", "20260220"),
    ("BQ1", "Banque BNP", "BQ000002", "20260218", "411000", "Clients", "C0001",
     "Boulangerie Lefèvre", "CHQ 5541", "20260218", "Chq Boulangerie Lefèvre", "0,00",
     "480,00", "AB", "20260225"),
]  # fmt: skip


def sage_fec_bytes(lines: list[tuple[str, ...]] | None = None) -> bytes:
    """The Sage sample as written by Sage: tab, CRLF, cp1252, ValidDate set, no currency."""
    rows = ["\t".join(HEADER)]
    for line in SAGE_LINES if lines is None else lines:
        rows.append("\t".join([*line, "20260228", "", ""]))
    return ("\r\n".join(rows) + "\r\n").encode("cp1252")


# Pennylane / Cegid style: pipe separated, UTF-8, dd/mm/yyyy dates (Pennylane), journal
# codes VE and BQ, a customer without auxiliary account (411DUR), amounts with a point or
# a comma, empty Idevise.
PENNYLANE_FEC = (
    "\n".join(
        [
            "|".join(HEADER),
            "VE|Ventes|VE-2026-0001|03/02/2026|41100000|Clients|CL-ALPHA|Alpha Logistique SAS|"
            "F-2026-0101|03/02/2026|Alpha Logistique SAS - F-2026-0101|3600,00|0,00|B|15/03/2026|"
            "05/02/2026||",
            "VE|Ventes|VE-2026-0001|03/02/2026|70600000|Prestations de services|||F-2026-0101|"
            "03/02/2026|Alpha Logistique SAS - F-2026-0101|0,00|3000,00|||05/02/2026||",
            "VE|Ventes|VE-2026-0001|03/02/2026|44571000|TVA collectée 20%|||F-2026-0101|"
            "03/02/2026|Alpha Logistique SAS - F-2026-0101|0,00|600,00|||05/02/2026||",
            "VE|Ventes|VE-2026-0002|10/02/2026|411DUR|Durand Père et Fils|||F-2026-0102|"
            "10/02/2026|Durand Père et Fils - F-2026-0102|960.00|0.00|||10/02/2026||",
            "VE|Ventes|VE-2026-0002|10/02/2026|70600000|Prestations de services|||F-2026-0102|"
            "10/02/2026|Durand Père et Fils - F-2026-0102|0.00|800.00|||10/02/2026||",
            "VE|Ventes|VE-2026-0002|10/02/2026|44571000|TVA collectée 20%|||F-2026-0102|"
            "10/02/2026|Durand Père et Fils - F-2026-0102|0.00|160.00|||10/02/2026||",
            "BQ|Qonto|BQ-2026-0007|12/03/2026|51200000|Qonto|||Virement Alpha|12/03/2026|"
            "VIR SEPA ALPHA LOGISTIQUE|3600,00|0,00|||13/03/2026||",
            "BQ|Qonto|BQ-2026-0007|12/03/2026|41100000|Clients|CL-ALPHA|Alpha Logistique SAS|"
            "Virement Alpha|12/03/2026|VIR SEPA ALPHA LOGISTIQUE|0,00|3600,00|B|15/03/2026|"
            "13/03/2026||",
        ]
    )
    + "\n"
)


# Tryton (account_fr's "Generate FEC" wizard): tab separated, UTF-8, CRLF (Python's csv
# writer), every PieceRef and EcritureLib '-' for moves without an origin document, entries
# numbered per fiscal year (post_number; 0 for the opening balance, journal OUV), the
# reconciliation's name as the letter. Tryton's own expected output is read from its sdist at
# test time (never committed here): tests/FEC.csv, 2018 (the balance brought forward, REV 1
# and 2, CASH 3 paying REV 2).
TRYTON = ("trytond_account_fr", "8.2.0")
# Its scenario fills {current_date}, the day the reconciliation was made, with the day the
# test runs; a fixed day after the entries keeps ours the same every day.
TRYTON_RECONCILED_ON = "20180105"


def tryton_fec(package_sample: Callable[[str, str, str], bytes]) -> str:
    """Tryton's expected FEC as its wizard writes it, its placeholder filled as
    tests/scenario_fec.rst fills it (``str.format``)."""
    template = package_sample(*TRYTON, "tests/FEC.csv").decode("utf-8")
    return template.format(current_date=TRYTON_RECONCILED_ON)


def tryton_move(number: str, *lines: tuple[str, str, str, str]) -> str:
    """More of Tryton's FEC, as its wizard writes a move of the REV journal without origin:
    (account, party code, debit, credit) per line; party '' for a line without party."""
    names = {"4111": "Clients - Ventes de biens ou de prestations de services",
             "7011": "Produits finis (ou groupe) A"}  # fmt: skip
    return "".join(
        "\t".join(
            ["REV", "Revenue", number, "20180110", account, names[account], party,
             "Party" if party else "", "-", "20180110", "-", debit, credit, "", "", "20180110",
             "", ""]
        ) + "\r\n"
        for account, party, debit, credit in lines
    )  # fmt: skip


def by_sense(text: str, *, debit: str = "D", credit: str = "C") -> str:
    """A FEC with Debit and Credit written as the law's variant, Montant and Sens."""
    rows = []
    for number, row in enumerate(text.splitlines()):
        separator = "\t" if "\t" in row else "|"
        cells = row.split(separator)
        if number == 0:
            cells[11:13] = ["Montant", "Sens"]
        else:
            amounts = [cells[11].replace(".", ","), cells[12].replace(".", ",")]
            sense = debit if amounts[0].strip("0,") else credit
            cells[11:13] = [amounts[0] if sense == debit else amounts[1], sense]
        rows.append(separator.join(cells))
    return "\r\n".join(rows) + "\r\n"
