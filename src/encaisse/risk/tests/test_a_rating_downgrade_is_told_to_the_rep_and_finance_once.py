"""A new rating worse than the one before (score down by more than the setting's points, a
worse grade, more incidents) is a downgrade: the rep and finance are told, each in their
language, once; the timeline shows it. A small move, or a better rating, tells no one."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from encaisse.collaboration.models import Notification
from encaisse.risk.models import CreditRating
from encaisse.risk.ratings_rules import RatingFacts, downgrade_reasons

HEADER = "SIREN;Score;Cotation;Date;Incidents;Source\n"


def import_rows(write_file, name: str, *rows: str) -> None:
    path = write_file(name, HEADER + "".join(f"{row}\n" for row in rows))
    call_command("import", "ratings", str(path), "--quiet", stdout=None, stderr=None)


@pytest.fixture
def january(rated, write_file):
    siren = rated["remi1"].siren
    import_rows(write_file, "janvier.csv", f"{siren};72;BBB;15/01/2026;0;Altares")
    return siren


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_a_score_down_by_more_than_the_setting_tells_the_rep_and_finance(
    january, rated, write_file, rep_remi, finance_fanny, rep_paul
):
    import_rows(write_file, "mars.csv", f"{january};55;BBB;15/03/2026;0;Altares")
    assert titles(finance_fanny) == ["Client Rémi 1: credit rating downgraded"]
    [to_remi] = Notification.objects.filter(recipient=rep_remi)
    assert to_remi.title == "Client Rémi 1: credit rating downgraded"
    assert "72" in to_remi.body
    assert "55" in to_remi.body
    assert to_remi.customer == rated["remi1"]
    assert titles(rep_paul) == []  # not his customer
    latest = CreditRating.objects.filter(customer=rated["remi1"]).first()
    assert latest.downgrade


def test_importing_the_downgrade_again_tells_no_one_twice(
    january, write_file, rep_remi, finance_fanny
):
    row = f"{january};55;BBB;15/03/2026;0;Altares"
    import_rows(write_file, "mars.csv", row)
    import_rows(write_file, "mars.csv", row)
    assert len(titles(rep_remi)) == 1
    assert len(titles(finance_fanny)) == 1


def test_a_small_move_or_a_better_rating_tells_no_one(
    january, write_file, rep_remi, finance_fanny, settings
):
    settings.ENCAISSE_RATING_DOWNGRADE_POINTS = 10
    import_rows(write_file, "fevrier.csv", f"{january};63;BBB;15/02/2026;0;Altares")  # -9
    import_rows(write_file, "mars.csv", f"{january};80;A;15/03/2026;0;Altares")
    assert titles(rep_remi) == []
    assert titles(finance_fanny) == []


def test_new_incidents_or_a_worse_grade_are_downgrades_too(january, write_file, rep_remi):
    import_rows(write_file, "mars.csv", f"{january};72;BB+;15/03/2026;0;Altares")
    import_rows(write_file, "avril.csv", f"{january};72;BB+;15/04/2026;2;Altares")
    assert len(titles(rep_remi)) == 2


def test_an_old_rating_imported_late_is_marked_but_tells_no_one(january, write_file, rep_remi):
    import_rows(write_file, "mars.csv", f"{january};75;BBB;15/03/2026;0;Altares")
    # last year's history, imported after: not the current rating, no alert
    import_rows(write_file, "2025.csv", f"{january};90;A;15/06/2025;0;Altares")
    assert titles(rep_remi) == []


def test_the_downgrade_shows_on_the_customer_timeline(january, rated, write_file, client, rep_remi):
    import_rows(write_file, "mars.csv", f"{january};40;CCC;15/03/2026;3;Altares")
    client.force_login(rep_remi)
    page = client.get(f"/customers/{rated['remi1'].pk}/").content.decode()
    assert "Rating downgrade" in page or "Dégradation" in page
    assert "score down from 72 to 40" in page or "72 à 40" in page


@pytest.mark.parametrize(
    ("before", "after", "points", "expected"),
    [
        (RatingFacts(72, "", None), RatingFacts(61, "", None), 10, 1),
        (RatingFacts(72, "", None), RatingFacts(62, "", None), 10, 0),
        (RatingFacts(None, "A", None), RatingFacts(None, "A-", None), 10, 1),
        (RatingFacts(None, "BB", None), RatingFacts(None, "BBB", None), 10, 0),
        (RatingFacts(None, "7", None), RatingFacts(None, "3", None), 10, 0),  # off the ladder
        (RatingFacts(50, "C", 0), RatingFacts(30, "D", 1), 10, 3),
    ],
)
def test_what_counts_as_a_downgrade(before, after, points, expected):
    assert len(downgrade_reasons(before, after, points=points)) == expected
