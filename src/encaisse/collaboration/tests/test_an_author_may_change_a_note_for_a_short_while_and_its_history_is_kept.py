"""Its author may change or withdraw a note for ENCAISSE_NOTE_EDIT_MINUTES after writing
it, no one else and never later; every version is kept, a withdrawn note keeps its text in
its history, and only people newly mentioned by a change are told."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from encaisse.collaboration.models import Note, NoteState, Notification
from encaisse.collaboration.notes import edit_note, may_change_note, withdraw_note, write_note
from encaisse.core.errors import BadInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def note(clock, portfolios, rep_remi):
    return write_note(customer=portfolios["remi1"], author=rep_remi, body="They pay on *Friday*.")


def test_the_author_changes_a_note_within_the_window_and_every_version_is_kept(
    clock, note, rep_remi, settings
):
    settings.ENCAISSE_NOTE_EDIT_MINUTES = 15
    clock.shift(dt.timedelta(minutes=14))
    edit_note(note=note, by=rep_remi, body="They pay on *Monday*.")
    note.refresh_from_db()
    assert note.body == "They pay on *Monday*."
    assert note.edited_at == timezone.now()
    assert [r.body for r in note.revisions.all()] == [
        "They pay on *Friday*.",
        "They pay on *Monday*.",
    ]


def test_after_the_window_the_note_can_no_longer_be_changed(clock, note, rep_remi, settings):
    settings.ENCAISSE_NOTE_EDIT_MINUTES = 15
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    assert not may_change_note(note, rep_remi)
    with pytest.raises(BadInput, match="15"):
        edit_note(note=note, by=rep_remi, body="changed my mind")
    with pytest.raises(BadInput):
        withdraw_note(note=note, by=rep_remi)
    note.refresh_from_db()
    assert note.body == "They pay on *Friday*."
    assert note.state == NoteState.PUBLISHED
    assert note.revisions.count() == 1


def test_the_window_is_a_setting(clock, note, rep_remi, settings):
    settings.ENCAISSE_NOTE_EDIT_MINUTES = 60
    clock.shift(dt.timedelta(minutes=59))
    edit_note(note=note, by=rep_remi, body="still in time")
    assert note.revisions.count() == 2


def test_no_one_but_the_author_changes_a_note(note, finance_fanny, manager_maud):
    for someone in (finance_fanny, manager_maud):
        assert not may_change_note(note, someone)
        with pytest.raises(BadInput):
            edit_note(note=note, by=someone, body="rewritten")
        with pytest.raises(BadInput):
            withdraw_note(note=note, by=someone)
    note.refresh_from_db()
    assert note.body == "They pay on *Friday*."


def test_a_withdrawn_note_stays_with_its_text_in_its_history(clock, note, rep_remi):
    clock.shift(dt.timedelta(minutes=2))
    withdraw_note(note=note, by=rep_remi)
    note = Note.objects.get()
    assert note.state == NoteState.WITHDRAWN
    assert note.withdrawn_at == timezone.now()
    assert note.revisions.get().body == "They pay on *Friday*."
    with pytest.raises(BadInput):
        edit_note(note=note, by=rep_remi, body="back again")


def test_a_change_tells_only_those_it_newly_mentions(
    clock, portfolios, rep_remi, manager_maud, finance_fanny
):
    note = write_note(customer=portfolios["remi1"], author=rep_remi, body="@maud they pay Friday")
    assert Notification.objects.filter(recipient=manager_maud).count() == 1
    clock.shift(dt.timedelta(minutes=1))
    edit_note(note=note, by=rep_remi, body="@maud @fanny they pay Monday")
    assert Notification.objects.filter(recipient=manager_maud).count() == 1
    assert Notification.objects.filter(recipient=finance_fanny).count() == 1
    edit_note(note=note, by=rep_remi, body="@fanny they pay Monday")
    assert set(note.mentions.values_list("user__username", flat=True)) == {"fanny"}


def test_a_change_with_a_bad_mention_changes_nothing(clock, note, rep_remi, rep_paul):
    with pytest.raises(BadInput, match="@paul"):
        edit_note(note=note, by=rep_remi, body="@paul what do you think?")
    note.refresh_from_db()
    assert note.body == "They pay on *Friday*."
    assert note.revisions.count() == 1
