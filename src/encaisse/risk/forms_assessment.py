"""The field assessment's form: ten radio-chip questions, the date of the visit, a comment,
and the box the rep ticks to sign."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.collaboration.forms import ServiceForm
from encaisse.core.forms import DatePicker
from encaisse.risk.assessment import QUESTIONS, Question, answer_label
from encaisse.risk.models_assessment import Answer


class AssessmentForm(ServiceForm):
    assessed_on = forms.DateField(label=_("Date of the visit"), widget=DatePicker())
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    certified = forms.BooleanField(
        label=_("I certify that I made these observations myself, on that date."),
        error_messages={"required": _("Tick the box to sign the assessment.")},
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for question in QUESTIONS:
            self.fields[question.field] = forms.ChoiceField(
                label=question.text,
                choices=Answer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer (or “don't know”).")},
            )

    def clean_assessed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["assessed_on"]
        if day > self.today:
            raise forms.ValidationError(_("The assessment cannot be dated in the future."))
        return day

    def questions(self) -> list[tuple[Question, forms.BoundField, list[tuple[str, str]]]]:
        """Each question with its field and its answers in its own words, for the page."""
        return [
            (
                question,
                self[question.field],
                [(value, answer_label(question, value)) for value in Answer.values],
            )
            for question in QUESTIONS
        ]

    def answers(self) -> dict[str, str]:
        return {question.field: self.cleaned_data[question.field] for question in QUESTIONS}
