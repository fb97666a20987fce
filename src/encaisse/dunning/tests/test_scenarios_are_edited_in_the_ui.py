"""Finance edits the dunning scenarios on a page, with the same rules as the YAML import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from encaisse.dunning.models import DunningAction, DunningProfile, Scenario, ScenarioSegment
from encaisse.dunning.services.scenarios import export_scenario, import_scenario
from encaisse.ledger.tests.factories import CustomerFactory

STANDARD = """\
name: Standard
segments: [sme, small]
steps:
  - {key: courtesy, offset_days: -5, channel: email, actor: finance, template: courtesy}
  - {key: reminder_1, offset_days: 15, channel: email, actor: finance, template: reminder_1}
  - {key: call, offset_days: 30, channel: call, actor: sales_rep}
  - {key: formal_notice, offset_days: 45, channel: letter, actor: finance, template: formal_notice, requires_approval: true}
"""  # noqa: E501

STEP_DEFAULTS = {
    "original_key": "",
    "key": "",
    "offset_days": "",
    "channel": "email",
    "actor": "finance",
    "template": "",
    "min_amount": "0",
}


@pytest.fixture
def standard(db):
    return import_scenario(STANDARD).scenario


def form_data(
    *, name="Standard", segments=("sme", "small"), is_default=False, steps, initial=0, **extra
):
    """The POST of the scenario page: the scenario fields and one row per step."""
    data = {
        "name": name,
        "description": "",
        "segments": list(segments),
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        **extra,
    }
    if is_default:
        data["is_default"] = "on"
    for index, step in enumerate(steps):
        for field, value in {**STEP_DEFAULTS, **step}.items():
            if value is True:
                data[f"steps-{index}-{field}"] = "on"
            elif value is not False:
                data[f"steps-{index}-{field}"] = value
    return data


def rows_of(scenario):
    """The rows of a scenario as the edit page shows them, ready to change and post back."""
    return [
        {
            "original_key": step.key,
            "key": step.key,
            "offset_days": str(step.offset_days),
            "channel": step.channel,
            "actor": step.actor,
            "template": step.template,
            "requires_approval": step.requires_approval,
            "min_amount": str(step.min_amount),
        }
        for step in scenario.steps.order_by("position")
    ]


def edit(client, scenario, rows=None, **fields):
    rows = rows_of(scenario) if rows is None else rows
    fields.setdefault("name", scenario.name)
    fields.setdefault("segments", [s.segment for s in scenario.segments.all()])
    data = form_data(steps=rows, initial=scenario.steps.count(), **fields)
    return client.post(f"/dunning/scenarios/{scenario.pk}/edit/", data)


# -------------------------------------------------------------------------------- the list


def test_everyone_signed_in_reads_the_list_with_each_scenario_as_a_timeline(
    client, rep_remi, standard
):
    CustomerFactory(segment="sme")
    CustomerFactory(segment="small")
    CustomerFactory(segment="key_account")  # no scenario takes it and there is no default
    client.force_login(rep_remi)
    page = client.get("/dunning/scenarios/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Standard" in text
    assert "2 customers" in text
    for badge in ("D-5", "D+15", "D+30", "D+45", "approval"):
        assert badge in text
    assert "/edit/" not in text  # a rep reads, finance edits
    assert "New scenario" not in text


def test_finance_sees_the_edit_buttons_and_the_list_counts_own_scenarios(
    client, finance_fanny, standard
):
    other = import_scenario(STANDARD.replace("Standard", "Other").replace("[sme, small]", "[]"))
    customer = CustomerFactory(segment="sme")
    DunningProfile.objects.create(customer=customer, scenario=other.scenario)
    client.force_login(finance_fanny)
    text = client.get("/dunning/scenarios/").content.decode()
    assert f"/dunning/scenarios/{standard.pk}/edit/" in text
    assert "New scenario" in text
    overview = {row.scenario.name: row.customers for row in _overview()}
    assert overview == {"Other": 1, "Standard": 0}


def _overview():
    from encaisse.dunning.selectors import scenario_overview

    return scenario_overview()


# ------------------------------------------------------------------------- create and edit


def test_finance_creates_a_scenario_on_the_page(client, finance_fanny, db):
    client.force_login(finance_fanny)
    assert client.get("/dunning/scenarios/new/").status_code == 200
    response = client.post(
        "/dunning/scenarios/new/",
        form_data(
            name="Public",
            segments=["public"],
            steps=[
                {"key": "reminder", "offset_days": "10", "template": "reminder_1"},
                {"key": "call", "offset_days": "40", "channel": "call", "actor": "sales_rep"},
                {
                    "key": "notice",
                    "offset_days": "60",
                    "channel": "letter",
                    "template": "formal_notice",
                    "requires_approval": True,
                    "min_amount": "150",
                },
            ],
        ),
    )
    assert response.status_code == 302
    scenario = Scenario.objects.get(name="Public")
    assert list(
        scenario.steps.values_list("key", "offset_days", "channel", "requires_approval")
    ) == [
        ("reminder", 10, "email", False),
        ("call", 40, "call", False),
        ("notice", 60, "letter", True),
    ]
    assert scenario.steps.get(key="notice").min_amount == Decimal("150")
    assert ScenarioSegment.objects.get(segment="public").scenario == scenario


def test_a_new_scenario_cannot_take_the_name_of_another(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    response = client.post(
        "/dunning/scenarios/new/",
        form_data(name="Standard", steps=[{"key": "x", "offset_days": "1", "template": "t"}]),
    )
    assert response.status_code == 200
    assert "a scenario named &#x27;Standard&#x27; already exists" in response.content.decode()
    assert standard.steps.count() == 4


def test_finance_edits_the_days_of_a_step(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    page = client.get(f"/dunning/scenarios/{standard.pk}/edit/").content.decode()
    assert 'value="reminder_1"' in page
    rows = rows_of(standard)
    rows[1]["offset_days"] = "10"
    assert edit(client, standard, rows).status_code == 302
    assert standard.steps.get(key="reminder_1").offset_days == 10


def test_renaming_keeps_the_same_scenario(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    assert edit(client, standard, name="PME standard").status_code == 302
    assert list(Scenario.objects.values_list("pk", "name")) == [(standard.pk, "PME standard")]
    assert standard.steps.count() == 4


def test_renaming_to_the_name_of_another_scenario_is_refused(client, finance_fanny, standard):
    import_scenario(STANDARD.replace("Standard", "Other").replace("[sme, small]", "[]"))
    client.force_login(finance_fanny)
    response = edit(client, standard, name="Other")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Scenario.objects.get(pk=standard.pk).name == "Standard"


def test_a_segment_taken_over_moves_and_the_page_says_so(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    page = client.get("/dunning/scenarios/new/").content.decode()
    assert "now in “Standard”" in page
    response = client.post(
        "/dunning/scenarios/new/",
        form_data(
            name="Small only",
            segments=["small"],
            steps=[{"key": "reminder", "offset_days": "10", "template": "reminder_1"}],
        ),
        follow=True,
    )
    text = response.content.decode()
    assert "Segment &#x27;small&#x27; moves from scenario &#x27;Standard&#x27;." in text
    assert "alert-warning" in text
    assert ScenarioSegment.objects.get(segment="small").scenario.name == "Small only"
    assert ScenarioSegment.objects.get(segment="sme").scenario == standard


def test_the_default_scenario_takes_no_segment_and_replaces_the_previous_default(
    client, finance_fanny, standard
):
    client.force_login(finance_fanny)
    steps = [{"key": "reminder", "offset_days": "10", "template": "reminder_1"}]
    both = client.post(
        "/dunning/scenarios/new/",
        form_data(name="Fallback", segments=["sme"], is_default=True, steps=steps),
    )
    assert "A default scenario takes no segment" in both.content.decode()
    neither = client.post(
        "/dunning/scenarios/new/", form_data(name="Fallback", segments=[], steps=steps)
    )
    assert "or make it the default scenario" in neither.content.decode()
    assert not Scenario.objects.filter(name="Fallback").exists()
    client.post(
        "/dunning/scenarios/new/",
        form_data(name="Fallback", segments=[], is_default=True, steps=steps),
    )
    assert Scenario.objects.get(is_default=True).name == "Fallback"


def test_add_a_step_shows_one_more_row_and_saves_nothing(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    rows = rows_of(standard)
    rows[0]["offset_days"] = "-3"
    response = edit(client, standard, rows, add="1")
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('data-testid="step-row"') == 5
    assert 'value="-3"' in text  # what was typed stays
    assert "is-invalid" not in text  # nothing was submitted for checking yet
    assert standard.steps.get(key="courtesy").offset_days == -5
    # the new row left blank is ignored; filled in, it is a new step
    rows.append({"key": "last_call", "offset_days": "60", "channel": "call"})
    assert edit(client, standard, rows).status_code == 302
    assert list(standard.steps.values_list("key", flat=True))[-1] == "last_call"


def test_a_blank_added_row_is_ignored(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    rows = [*rows_of(standard), {}]
    assert edit(client, standard, rows).status_code == 302
    assert standard.steps.count() == 4


def test_a_step_without_reminders_is_deleted(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    rows = rows_of(standard)
    rows[2]["DELETE"] = True
    assert edit(client, standard, rows).status_code == 302
    assert list(standard.steps.values_list("key", flat=True)) == [
        "courtesy",
        "reminder_1",
        "formal_notice",
    ]


# ------------------------------------------------------------------------------ the rules


@pytest.mark.parametrize(
    ("row", "change", "message"),
    [
        (1, {"key": "courtesy"}, "key &#x27;courtesy&#x27; is already used at step 1"),
        (1, {"key": "Relance 1"}, "use lowercase letters, digits, _ or -"),
        (2, {"channel": "pigeon"}, "Select a valid choice"),
        (2, {"actor": "intern"}, "Select a valid choice"),
        (1, {"template": ""}, "an email step needs a template"),
        (3, {"template": ""}, "a letter step needs a template"),
        (2, {"offset_days": "10"}, "offset_days 10 must come after the previous step&#x27;s 15"),
        (2, {"offset_days": "soon"}, "Enter a whole number"),
        (2, {"offset_days": ""}, "step field &#x27;offset_days&#x27; is required"),
        (2, {"key": ""}, "step field &#x27;key&#x27; is required"),
        (3, {"min_amount": "-1"}, "min_amount &#x27;-1&#x27; must be a positive amount"),
    ],
)
def test_each_rule_of_the_yaml_import_is_checked_on_the_row(
    client, finance_fanny, standard, row, change, message
):
    client.force_login(finance_fanny)
    rows = rows_of(standard)
    rows[row].update(change)
    before = export_scenario(standard)
    response = edit(client, standard, rows)
    assert response.status_code == 200
    text = response.content.decode()
    rows_html = text.split('data-testid="step-row"')
    assert message in rows_html[row + 1], "the error is shown on the row it is about"
    assert "is-invalid" in rows_html[row + 1]
    assert export_scenario(Scenario.objects.get(pk=standard.pk)) == before


def test_a_scenario_needs_a_step(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    rows = rows_of(standard)
    for row in rows:
        row["DELETE"] = True
    response = edit(client, standard, rows)
    assert "A scenario needs at least one step." in response.content.decode()
    assert standard.steps.count() == 4


def test_a_step_with_reminders_recorded_cannot_be_deleted_or_renamed(
    client, finance_fanny, standard
):
    call = standard.steps.get(key="call")
    DunningAction.objects.create(
        key="k1",
        customer=CustomerFactory(),
        step=call,
        planned_for=dt.date(2026, 3, 1),
        amount=Decimal("100"),
    )
    client.force_login(finance_fanny)
    page = client.get(f"/dunning/scenarios/{standard.pk}/edit/").content.decode()
    assert "in use" in page
    rows = rows_of(standard)
    rows[2]["DELETE"] = True
    response = edit(client, standard, rows)
    assert (
        "Step &#x27;call&#x27; has reminders recorded: it cannot be deleted"
        in (response.content.decode().split('data-testid="step-row"')[3])
    )
    rows = rows_of(standard)
    rows[2]["key"] = "phone"
    response = edit(client, standard, rows)
    assert "its key cannot change" in response.content.decode()
    assert standard.steps.filter(key="call").exists()
    rows = rows_of(standard)
    rows[2]["offset_days"] = "31"  # its days can change
    assert edit(client, standard, rows).status_code == 302
    assert standard.steps.get(key="call").offset_days == 31


# ---------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("who", ["rep_remi", "viewer_victor", "manager_maud"])
def test_only_finance_may_change_scenarios(client, request, who, standard):
    client.force_login(request.getfixturevalue(who))
    rows = rows_of(standard)
    rows[0]["offset_days"] = "-9"
    assert edit(client, standard, rows, name="Hacked").status_code == 403
    new = form_data(name="Mine", steps=[{"key": "x", "offset_days": "1", "template": "t"}])
    assert client.post("/dunning/scenarios/new/", new).status_code == 403
    upload = SimpleUploadedFile("s.yaml", STANDARD.replace("Standard", "Mine").encode())
    assert client.post("/dunning/scenarios/import/", {"file": upload}).status_code == 403
    assert client.get(f"/dunning/scenarios/{standard.pk}/edit/").status_code == 404
    assert client.get("/dunning/scenarios/new/").status_code == 404
    assert list(Scenario.objects.values_list("name", flat=True)) == ["Standard"]
    assert standard.steps.get(key="courtesy").offset_days == -5


def test_admin_may_change_scenarios(client, admin_alice, standard):
    client.force_login(admin_alice)
    assert edit(client, standard, name="Renamed by admin").status_code == 302


# ------------------------------------------------------------------------------ YAML files


def test_export_yaml_is_the_text_of_the_command(client, rep_remi, standard, capsys):
    client.force_login(rep_remi)
    response = client.get(f"/dunning/scenarios/{standard.pk}/export.yaml")
    assert response.status_code == 200
    assert 'filename="standard.yaml"' in response["Content-Disposition"]
    call_command("scenario", "export", "Standard")
    assert response.content.decode() == capsys.readouterr().out


def test_import_yaml_on_the_page_creates_and_shows_the_notes(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    text = STANDARD.replace("name: Standard", "name: Small only").replace("[sme, small]", "[small]")
    upload = SimpleUploadedFile("small.yaml", text.encode(), content_type="application/yaml")
    response = client.post("/dunning/scenarios/import/", {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Scenario “Small only” created from the file." in page
    assert "Segment &#x27;small&#x27; moves from scenario &#x27;Standard&#x27;." in page
    assert ScenarioSegment.objects.get(segment="small").scenario.name == "Small only"


def test_a_bad_file_is_refused_naming_each_line(client, finance_fanny, standard):
    client.force_login(finance_fanny)
    text = STANDARD.replace("channel: call", "channel: pigeon").replace("offset_days: 15", "x: 1")
    upload = SimpleUploadedFile("bad.yaml", text.encode())
    response = client.post("/dunning/scenarios/import/", {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "bad.yaml was not imported" in page
    assert "<li>line 5: unknown step field &#x27;x&#x27;</li>" in page
    assert "<li>line 5: step field &#x27;offset_days&#x27; is required</li>" in page
    assert "<li>line 6: unknown channel &#x27;pigeon&#x27;" in page
    assert standard.steps.get(key="call").channel == "call"


def test_a_file_that_is_not_text_is_refused(client, finance_fanny, db):
    client.force_login(finance_fanny)
    upload = SimpleUploadedFile("bad.yaml", b"\xff\xfe\x00name")
    response = client.post("/dunning/scenarios/import/", {"file": upload})
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    assert not Scenario.objects.exists()
