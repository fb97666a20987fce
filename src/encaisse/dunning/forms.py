from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.core.errors import BadInput
from encaisse.core.forms import DatePicker
from encaisse.dunning.engine import Actor, Channel
from encaisse.dunning.labels import actor_label, channel_label
from encaisse.dunning.models import Scenario, Step
from encaisse.dunning.services.scenarios import ScenarioSpec, StepSpec, check_step
from encaisse.ledger.models import Segment


class HoldRequestForm(forms.Form):
    invoices = forms.CharField(widget=forms.HiddenInput)
    step = forms.SlugField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why should it wait?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    hold_until = forms.DateField(
        label=_("Hold until"),
        widget=DatePicker(attrs={"class": "form-control"}),
    )

    def invoice_ids(self) -> list[int]:
        raw = self.cleaned_data.get("invoices", "")
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            return []

    @staticmethod
    def default_until(today: dt.date) -> dt.date:
        return today + dt.timedelta(days=15)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])
    note = forms.CharField(required=False, max_length=1000)


class LetterPostedForm(forms.Form):
    """Finance records that a letter went to the post office."""

    posted_on = forms.DateField(
        label=_("Posted on"),
        widget=DatePicker(attrs={"class": "form-control form-control-sm"}),
    )
    tracking_number = forms.CharField(
        label=_("Registered letter number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "1A 234 567 8901 2"}
        ),
    )


class LettersDayForm(forms.Form):
    """The letters generated on ``day``: print them, or record them posted on ``posted_on``."""

    day = forms.DateField(
        label=_("Letters generated on"),
        widget=DatePicker(attrs={"class": "form-control form-control-sm"}),
    )
    posted_on = forms.DateField(
        label=_("Posted on"),
        required=False,
        widget=DatePicker(attrs={"class": "form-control form-control-sm"}),
    )


# ----------------------------------------------------------------------------- scenarios


class MarksInvalidFields(forms.BaseForm):
    """A field with an error gets Bootstrap's ``is-invalid`` class (red border), unless the
    form is ``quiet`` (re-shown with one more row: nothing was submitted for checking yet)."""

    def __init__(self, *args: Any, quiet: bool = False, **kwargs: Any) -> None:
        self.quiet = quiet
        super().__init__(*args, **kwargs)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        if self.quiet:
            return
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                classes = widget.attrs.get("class", "")
                if "is-invalid" not in classes:
                    widget.attrs["class"] = f"{classes} is-invalid".strip()


class ScenarioForm(MarksInvalidFields, forms.Form):
    """Name, description and whom the scenario applies to; the steps are a StepFormSet."""

    name = forms.CharField(
        label=_("Name"), max_length=100, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    segments = forms.MultipleChoiceField(
        label=_("Segments"),
        required=False,
        choices=Segment.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    is_default = forms.BooleanField(
        label=_("Default scenario"),
        required=False,
        help_text=_("Applies to customers whose segment no other scenario takes."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(
        self,
        *args: Any,
        owners: Mapping[str, Scenario] | None = None,
        scenario: Scenario | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owners = owners or {}
        self.scenario = scenario

    def segment_rows(self) -> list[dict[str, Any]]:
        """Each segment's checkbox with the scenario holding it now (it moves if checked)."""
        rows = []
        for checkbox in self["segments"]:
            owner = self.owners.get(str(checkbox.data["value"]))
            mine = owner is not None and self.scenario is not None and owner.pk == self.scenario.pk
            rows.append({"checkbox": checkbox, "owner": None if mine else owner})
        return rows

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        segments, is_default = cleaned.get("segments"), cleaned.get("is_default")
        if segments and is_default:
            self.add_error(
                "is_default",
                _("A default scenario takes no segment: untick the segments or this box."),
            )
        elif not segments and not is_default:
            self.add_error(
                "segments", _("Tick the segments it applies to, or make it the default scenario.")
            )
        return cleaned


class StepForm(MarksInvalidFields, forms.Form):
    """One step; the rules (shared with the YAML import) are checked by StepFormSet."""

    use_required_attribute = False  # a blank new row must not block the browser's submit

    original_key = forms.CharField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    offset_days = forms.IntegerField(
        label=_("Days from due date"),
        required=False,
        min_value=-3650,
        max_value=3650,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        initial=Channel.EMAIL.value,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    actor = forms.ChoiceField(
        label=_("Actor"),
        initial=Actor.FINANCE.value,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    template = forms.ChoiceField(
        label=_("Template"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    requires_approval = forms.BooleanField(
        label=_("Finance approves"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    min_amount = forms.DecimalField(
        label=_("Minimum amount"),
        required=False,
        initial=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
    )

    def __init__(self, *args: Any, template_keys: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("channel", [(c.value, channel_label(c.value)) for c in Channel])
        self._choices("actor", [(a.value, actor_label(a.value)) for a in Actor])
        keys = set(template_keys)
        current = self.initial.get("template") or (self.data.get(self.add_prefix("template")))
        if current:
            keys.add(str(current))  # a key with no template yet stays selectable
        self._choices("template", [("", "—"), *((key, key) for key in sorted(keys))])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - the fields are declared above
        field.choices = choices

    def values(self) -> dict[str, Any]:
        """The step's fields as the shared rules read them."""
        data = self.cleaned_data
        return {
            "key": (data.get("key") or "").strip(),
            "offset_days": data.get("offset_days"),
            "channel": data.get("channel") or "",
            "actor": data.get("actor") or "",
            "template": data.get("template") or "",
            "requires_approval": bool(data.get("requires_approval")),
            "min_amount": data.get("min_amount") if data.get("min_amount") is not None else 0,
        }


class BaseStepFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The steps in order, checked with the same rules as a YAML file (``check_step``)."""

    def __init__(self, *args: Any, recorded: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorded = set(recorded)  # keys with reminders recorded: they cannot go
        self.specs: list[StepSpec] = []

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def _deleted(self, form: forms.Form) -> bool:
        return bool(self.can_delete and form.cleaned_data.get("DELETE"))

    def kept_forms(self) -> list[StepForm]:
        """Rows that are steps: not deleted, not a blank row left as added."""
        return [
            form
            for form in self.forms
            if form.is_valid()
            and not self._deleted(form)
            and (form.has_changed() or form.cleaned_data.get("original_key"))
        ]

    def clean(self) -> None:
        if any(form.errors for form in self.forms if not self._deleted(form)):
            return
        kept = self.kept_forms()
        for form in self.forms:
            original = form.cleaned_data.get("original_key", "")
            if original not in self.recorded:
                continue
            if form not in kept:
                form.add_error(
                    None,
                    _(
                        "Step '%(key)s' has reminders recorded: it cannot be deleted "
                        "(change its days or channel instead)."
                    )
                    % {"key": original},
                )
            elif form.cleaned_data.get("key") != original:
                form.add_error(
                    "key",
                    _("Step '%(key)s' has reminders recorded: its key cannot change.")
                    % {"key": original},
                )
        specs: list[StepSpec] = []
        seen: dict[str, str] = {}
        for position, form in enumerate(kept, start=1):
            step, problems = check_step(
                form.values(), previous=specs[-1] if specs else None, seen=seen
            )
            for problem in problems:
                form.add_error(problem.field or None, problem.message)
            if step.key:
                seen.setdefault(step.key, _("step %(position)s") % {"position": position})
            specs.append(step)
        if not kept:
            raise forms.ValidationError(_("A scenario needs at least one step."))
        self.specs = specs


StepFormSet = cast(
    "type[BaseStepFormSet]",
    forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=0, can_delete=True),
)


def step_initial(steps: Iterable[Step]) -> list[dict[str, Any]]:
    """The rows of an existing scenario's steps."""
    return [
        {
            "original_key": step.key,
            "key": step.key,
            "offset_days": step.offset_days,
            "channel": step.channel,
            "actor": step.actor,
            "template": step.template,
            "requires_approval": step.requires_approval,
            "min_amount": step.min_amount,
        }
        for step in steps
    ]


def scenario_spec(form: ScenarioForm, steps: BaseStepFormSet) -> ScenarioSpec:
    """What the valid form and formset describe, for ``save_scenario``."""
    data = form.cleaned_data
    return ScenarioSpec(
        name=data["name"].strip(),
        description=data["description"],
        segments=tuple(data["segments"]) if not data["is_default"] else (),
        steps=tuple(steps.specs),
    )


class ScenarioImportForm(forms.Form):
    file = forms.FileField(
        label=_("YAML file"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control form-control-sm", "accept": ".yaml,.yml"}
        ),
    )

    def text(self) -> str:
        """The file's text; a file that is not UTF-8 is refused like a bad file."""
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise BadInput(_("the file is too large for a scenario"))
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise BadInput(_("the file is not UTF-8 text")) from None


# ----------------------------------------------------------------------- message templates


class MessageTemplateForm(MarksInvalidFields, forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    body = forms.CharField(
        label=_("Body"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace small"}),
    )


class DunningProfileForm(forms.Form):
    """Finance's settings for one customer, on the customer page."""

    scenario = forms.ModelChoiceField(
        label=_("Scenario"),
        queryset=Scenario.objects.none(),
        required=False,
        empty_label=_("The one of its segment"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    do_not_contact = forms.BooleanField(
        label=_("Do not contact (no reminder at all)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    on_hold_until = forms.DateField(
        label=_("No reminder until"),
        required=False,
        widget=DatePicker(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args: Any, scenarios: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 (narrows the type)
        if scenarios is not None:
            field.queryset = scenarios
