"""What the message sandbox allows and its budget: the tags, filters and arguments a template
may use, how long and how big a rendering may be (see ``composing.sandbox``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from encaisse.core.errors import BadInput

MAX_ITERATIONS = 20_000  # loop turns in one rendering, all loops together
MAX_OUTPUT = 500_000  # characters of one subject or body
MAX_SECONDS = 2.0
MAX_TEMPLATE = 20_000  # characters a template may have
MAX_DEPTH = 12  # tags inside tags
MAX_CONDITION_WORDS = 40  # words in one {% if %}
LOOP_EXAMPLE = "{% for invoice in invoices %}…{% endfor %}"

# Each tag with what closes it and what may continue it.
ALLOWED_TAGS = {
    "if": ("endif", ("elif", "else")),
    "for": ("endfor", ("empty",)),
    "with": ("endwith", ()),
    "comment": ("endcomment", ()),
}
ALLOWED_FILTERS = (
    "date",
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "length",
    "pluralize",
    "yesno",
    "truncatechars",
    "truncatewords",
)
VARIABLE_ARGUMENTS = {"default", "default_if_none"}  # the others take written values only
NAMED_DATE_FORMATS = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
DATE_LETTERS = set("dDjlNSwzWFmMnEtLoYyb")  # Django's format letters that describe a date
NUMBER_ARGUMENTS = {
    "truncatechars": (0, 100_000),
    "truncatewords": (0, 10_000),
}


class TemplateRefused(BadInput):
    """The template reads outside its variables, or would cost too much to render."""

    def __init__(self, *problems: str) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _names(names: Iterable[str]) -> str:
    """“a”, “b” and “c”, in the reader's quotes and words."""
    return get_text_list([_("“%(name)s”") % {"name": name} for name in names], _("and"))


def _at(line: int | None, problem: str) -> str:
    return _("line %(line)s: %(problem)s") % {"line": line, "problem": problem} if line else problem
