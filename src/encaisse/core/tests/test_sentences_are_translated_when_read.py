"""A sentence kept as plain data reads in the language of whoever reads it, whenever."""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils import translation

from encaisse.core.errors import BadInput
from encaisse.core.i18n import Sentence, from_data, sentence, sentence_plural, text_of, to_data

NBSP = "\u00a0"
NNBSP = "\u202f"  # CLDR groups French thousands with a narrow no-break space


def test_a_sentence_reads_in_english_or_in_french_whoever_wrote_it():
    problem = sentence("unknown customer (import the customers first)")
    with translation.override("fr"):
        written = to_data(problem)  # where it was made changes nothing
    with translation.override("en"):
        assert str(from_data(written)) == "unknown customer (import the customers first)"
    with translation.override("fr"):
        assert str(from_data(written)) == "client inconnu (importez d'abord les clients)"


def test_its_data_is_json_with_the_msgid_and_plain_values():
    message = sentence(
        "nothing was imported: %(problems)s in %(rejected)s of %(rows)s (fix them, or import "
        "with --partial to import the good rows)",
        problems=sentence_plural("%(count)s problem", "%(count)s problems", 3),
        rejected=2,
        rows=sentence_plural("%(count)s row", "%(count)s rows", 1234),
    )
    data = json.loads(json.dumps(to_data(message)))
    assert data["values"]["rejected"] == 2
    assert data["values"]["problems"] == {
        "msgid": "%(count)s problem",
        "values": {"count": 3},
        "plural": "%(count)s problems",
        "count": 3,
    }
    assert from_data(data) == message
    with translation.override("en"):
        assert str(from_data(data)) == (
            "nothing was imported: 3 problems in 2 of 1,234 rows (fix them, or import with "
            "--partial to import the good rows)"
        )
    with translation.override("fr"):
        assert str(from_data(data)) == (
            f"rien n'a été importé{NBSP}: 3 problèmes dans 2 sur 1{NNBSP}234 lignes (corrigez-les, "
            "ou importez avec --partial pour importer les bonnes lignes)"
        )


def test_counts_and_amounts_are_written_as_the_language_writes_them():
    below = sentence("below the %(amount)s already lettered", amount=Decimal("1234.50"))
    row = sentence("the same number is on row %(row)s", row="12345")  # an id: as given
    back = from_data(json.loads(json.dumps(to_data(below))))
    with translation.override("en"):
        assert (str(back), str(row)) == (
            "below the 1,234.50 already lettered",
            "the same number is on row 12345",
        )
    with translation.override("fr"):
        assert str(back) == f"inférieur aux 1{NNBSP}234,50 déjà lettrés"
        assert str(row) == "le même numéro est à la ligne 12345"


def test_one_and_several_take_their_own_form():
    with translation.override("fr"):
        assert str(sentence_plural("%(count)s row", "%(count)s rows", 1)) == "1 ligne"
        assert str(sentence_plural("%(count)s row", "%(count)s rows", 2)) == "2 lignes"
    with translation.override("en"):
        assert str(sentence_plural("%(count)s row", "%(count)s rows", 1)) == "1 row"


def test_a_text_stored_before_sentences_stays_as_it_was():
    assert from_data("nothing was imported: 1 problem") == "nothing was imported: 1 problem"
    assert from_data(None) == ""
    assert to_data("plain text") == "plain text"


def test_a_message_without_a_translation_reads_in_english():
    # Built by hand, not with sentence(): makemessages must not collect it into the catalog.
    unknown = Sentence("a sentence nobody translated: %(value)s", (("value", "x"),))
    with translation.override("fr"):
        assert str(unknown) == "a sentence nobody translated: x"


def test_an_error_raised_with_a_sentence_keeps_it_for_later():
    error = BadInput(sentence("the file has no rows"))
    assert isinstance(text_of(error), Sentence)
    with translation.override("fr"):
        assert str(error) == "le fichier n'a aucune ligne"
    assert text_of(BadInput("plain")) == "plain"
