"""A credit agency's file, as another program writes it (French Excel CSV: semicolons, decimal
commas, Windows-1252 or a BOM; an XLSX), is matched to customers by SIREN or SIRET and kept
as history; importing the same file again adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from encaisse.imports.file_kinds import ImportOptions
from encaisse.imports.models import ImportRun, ImportStatus
from encaisse.ledger.models import Customer
from encaisse.risk.models import CreditRating
from encaisse.risk.ratings import with_latest_rating
from encaisse.risk.ratings_import import import_ratings
from encaisse.risk.tests.ratings_samples import xlsx_bytes


def french_file(rated, *, date="15/01/2026", score="72", grade="BBB") -> str:
    remi1, remi2 = rated["remi1"], rated["remi2"]
    return (
        "Numéro SIREN;Note;Cotation;Encours recommandé;Date de notation;Nb incidents;Agence\r\n"
        f"{remi1.siren};{score};{grade};50 000,00 €;{date};0;Altarès Dun & Bradstreet\r\n"
        f"{remi2.siret[:9]};45,0;B;12 500,50;{date};2;Altarès Dun & Bradstreet\r\n"
    )


def import_command(path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", "ratings", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_windows_1252_file_with_french_decimals_is_matched_by_siren(rated, write_file):
    path = write_file("notations.csv", french_file(rated), "cp1252")
    out, _err = import_command(path)
    assert "Windows-1252, semicolon-separated, decimal comma, dates dd/mm/yyyy" in out
    assert "2 created, 0 updated, 0 unchanged, 0 rejected" in out
    first = CreditRating.objects.get(customer=rated["remi1"])
    assert (first.score, first.grade, first.recommended_limit, first.incidents) == (
        72,
        "BBB",
        Decimal("50000.00"),
        0,
    )
    assert first.rated_on == dt.date(2026, 1, 15)
    assert first.source == "Altarès Dun & Bradstreet"
    assert first.import_run == ImportRun.objects.get()
    # Rémi's second customer has only a SIRET: its first nine digits are the SIREN
    second = CreditRating.objects.get(customer=rated["remi2"])
    assert (second.score, second.incidents) == (45, 2)
    assert second.recommended_limit == Decimal("12500.50")


def test_importing_the_same_file_again_adds_nothing(rated, write_file):
    path = write_file("notations.csv", "\ufeff" + french_file(rated))
    import_command(path)
    out, _err = import_command(path)
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in out
    assert CreditRating.objects.count() == 2


def test_a_later_rating_adds_to_the_history_and_becomes_the_current_one(rated, write_file):
    import_command(write_file("janvier.csv", french_file(rated)))
    import_command(write_file("mars.csv", french_file(rated, date="15/03/2026", score="80")))
    history = list(CreditRating.objects.filter(customer=rated["remi1"]).values_list("score"))
    assert history == [(80,), (72,)]  # newest first, the older one kept
    current = with_latest_rating(Customer.objects.filter(pk=rated["remi1"].pk)).get()
    assert (current.rating_score, current.rated_on) == (80, dt.date(2026, 3, 15))


def test_a_corrected_row_for_the_same_day_updates_that_rating(rated, write_file):
    import_command(write_file("janvier.csv", french_file(rated)))
    out, _err = import_command(write_file("corrige.csv", french_file(rated, score="74")))
    assert "0 created, 1 updated, 1 unchanged" in out
    assert CreditRating.objects.get(customer=rated["remi1"]).score == 74


def test_a_siret_column_matches_the_customer_of_that_siret(rated, write_file):
    remi2 = rated["remi2"]
    text = f"siret;score;date;source\n{remi2.siret};61;2026-02-01;Ellisphere\n"
    out, _err = import_command(write_file("siret.csv", text))
    assert "1 created" in out
    assert CreditRating.objects.get().customer == remi2


def test_an_excel_file_is_read_with_its_numbers_and_dates(rated, write_file):
    workbook = xlsx_bytes(
        [
            ["SIREN", "Score", "Grade", "Recommended limit", "Date", "Incidents", "Source"],
            [rated["remi1"].siren, 88, "A", 75000, dt.date(2026, 2, 3), 0, "Creditsafe"],
        ]
    )
    out, _err = import_command(write_file("ratings.xlsx", workbook))
    assert "Excel" in out
    rating = CreditRating.objects.get()
    assert (rating.score, rating.grade, rating.recommended_limit) == (88, "A", Decimal("75000"))
    assert rating.rated_on == dt.date(2026, 2, 3)


def test_a_mapping_names_the_columns_of_an_unusual_file(rated, write_file):
    text = f"Ident;Risk points;Day\n{rated['paul1'].siren};30;01/02/2026\n"
    path = write_file("odd.csv", text)
    mapping = write_file("odd.toml", '[columns]\nsiren = "Ident"\nscore = "Risk points"\n')
    out, _err = import_command(path, "--mapping", str(mapping), "--map", "date=Day")
    assert "1 created" in out
    assert CreditRating.objects.get().customer == rated["paul1"]


def test_an_upload_of_a_ratings_file_runs_on_its_queued_run(rated, write_file, finance_fanny):
    path = write_file("notations.csv", french_file(rated))
    queued = ImportRun.objects.create(kind="ratings", created_by=finance_fanny, file_name=path.name)
    result = import_ratings(
        path=path, user=finance_fanny, options=ImportOptions(import_run_id=queued.pk)
    )
    queued.refresh_from_db()
    assert result.run_id == queued.pk
    assert queued.status == ImportStatus.SUCCEEDED
    assert queued.rows_created == 2


def test_the_text_lengths_of_the_ratings_fields_fit_their_columns():
    from encaisse.risk.ratings_import import RATING_FIELDS

    columns = {"grade": "grade", "source": "source", "siren": None, "siret": None}
    for spec in RATING_FIELDS:
        if columns.get(spec.name):
            assert CreditRating._meta.get_field(spec.name).max_length == spec.max_length
