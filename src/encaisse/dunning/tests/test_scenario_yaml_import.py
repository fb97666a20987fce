"""Scenarios imported from YAML: checked line by line, updated by name, segments taken over."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from encaisse.core.errors import BadInput
from encaisse.dunning.models import Scenario, ScenarioSegment
from encaisse.dunning.services.scenarios import export_scenario, import_scenario

STANDARD = """\
name: Standard
segments: [sme, small]
steps:
  - {key: courtesy, offset_days: -5, channel: email, actor: finance, template: courtesy}
  - {key: reminder_1, offset_days: 15, channel: email, actor: finance, template: reminder_1}
  - {key: call, offset_days: 30, channel: call, actor: sales_rep}
  - {key: formal_notice, offset_days: 45, channel: letter, actor: finance, template: formal_notice, requires_approval: true}
"""  # noqa: E501


def test_import_creates_the_scenario_with_its_steps_in_order(db):
    report = import_scenario(STANDARD)
    assert report.created
    steps = list(report.scenario.steps.values_list("key", "offset_days", "requires_approval"))
    assert steps == [
        ("courtesy", -5, False),
        ("reminder_1", 15, False),
        ("call", 30, False),
        ("formal_notice", 45, True),
    ]
    assert set(report.scenario.segments.values_list("segment", flat=True)) == {"sme", "small"}


def test_reimporting_the_same_name_updates_it(db):
    import_scenario(STANDARD)
    report = import_scenario(STANDARD.replace("offset_days: 15", "offset_days: 10"))
    assert not report.created
    assert Scenario.objects.count() == 1
    assert report.scenario.steps.get(key="reminder_1").offset_days == 10


def test_a_segment_moves_to_the_scenario_that_names_it_and_says_so(db):
    import_scenario(STANDARD)
    report = import_scenario(
        STANDARD.replace("name: Standard", "name: Small only").replace("[sme, small]", "[small]")
    )
    assert report.notes == ["segment 'small' moves from scenario 'Standard'"]
    assert ScenarioSegment.objects.get(segment="small").scenario.name == "Small only"
    assert ScenarioSegment.objects.get(segment="sme").scenario.name == "Standard"


def test_a_scenario_without_segments_is_the_default(db):
    report = import_scenario(STANDARD.replace("segments: [sme, small]\n", ""))
    assert report.scenario.is_default


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("channel: call", "channel: pigeon"), "line 6: unknown channel 'pigeon'"),
        (("actor: sales_rep", "actor: intern"), "line 6: unknown actor 'intern'"),
        (("{key: call, ", "{"), "line 6: step field 'key' is required"),
        (("key: call", "key: courtesy"), "line 6: key 'courtesy' is already used at line 4"),
        (("offset_days: 30", "offset_days: 10"), "line 6: offset_days 10 must come after"),
        (("offset_days: 30", "offset_days: soon"), "line 6: offset_days 'soon' must be"),
        (("[sme, small]", "[sme, galaxy]"), "line 2: unknown segment 'galaxy'"),
        (("name: Standard", "nom: Standard"), "unknown field 'nom'"),
        ((", template: courtesy", ""), "line 4: an email step needs a template"),
        (("steps:", "steps: [oops"), "not valid YAML"),
    ],
)
def test_a_bad_scenario_is_refused_naming_the_line(db, change, message):
    with pytest.raises(BadInput, match=message.replace("[", r"\[")):
        import_scenario(STANDARD.replace(*change))
    assert Scenario.objects.count() == 0


def test_export_reads_back_as_the_same_scenario(db):
    scenario = import_scenario(STANDARD).scenario
    exported = export_scenario(scenario)
    again = import_scenario(exported)
    assert not again.created
    assert export_scenario(again.scenario) == exported


def test_the_shipped_scenarios_cover_every_segment(shipped_scenarios):
    assert set(ScenarioSegment.objects.values_list("segment", flat=True)) == {
        "sme",
        "small",
        "key_account",
        "public",
    }


def test_a_bad_value_is_named_by_its_line_and_its_path(db):
    with pytest.raises(BadInput) as refused:
        import_scenario(STANDARD.replace("channel: call", "channel: pigeon"))
    assert str(refused.value) == (
        "line 6: unknown channel 'pigeon' (expected email, letter, sms, call, task), "
        "in steps[2].channel"
    )


def test_every_problem_of_a_file_is_listed_at_once(db):
    text = (
        STANDARD.replace("[sme, small]", "[sme, galaxy]")
        .replace("offset_days: 15", "x: 1")
        .replace("requires_approval: true", "requires_approval: maybe, min_amount: -5")
    )
    with pytest.raises(BadInput) as refused:
        import_scenario(text)
    assert str(refused.value).split("; ") == [
        "line 2: unknown segment 'galaxy' (expected key_account, sme, small, public), "
        "in segments[1]",
        "line 5: unknown step field 'x'",
        "line 5: step field 'offset_days' is required",
        "line 7: requires_approval must be true or false, in steps[3].requires_approval",
        "line 7: min_amount '-5' must be a positive amount, in steps[3].min_amount",
    ]


def test_the_problems_are_told_in_the_reader_language(db):
    with override("fr"), pytest.raises(BadInput) as refused:
        import_scenario(STANDARD.replace("actor: sales_rep", "actor: intern"))
    assert str(refused.value).startswith("ligne 6 : intervenant «\u00a0intern\u00a0» inconnu")
    assert str(refused.value).endswith(", dans steps[2].actor")
