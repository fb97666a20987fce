"""The sandbox message templates render in: known names only, a few tags and filters, bounded.

A message template is written by a finance user and sent to customers, so it must not be
able to read anything but what the message is about. Three walls:

1. the context holds plain values only (``variables.template_context``): there is no model
   instance, user, request or setting to reach, whatever the template writes;
2. ``check_template`` reads the template before it is saved or rendered and refuses, with the
   line and the list of what exists, every name and field outside the documented
   ``MESSAGE_VARIABLES``, every tag and filter outside a short list, a list printed or
   filtered instead of looped over, a filter argument that is not a plain written value
   (a date format with time letters, a width below one...), nested loops, and tags nested
   deeper than ``MAX_DEPTH``;
3. ``render_template`` renders with its own engine (no ``load``, ``include``, ``debug``,
   ``url``...) and a budget charged by every piece of output and every loop turn: loops may
   turn ``MAX_ITERATIONS`` times in all, the output may not pass ``MAX_OUTPUT`` characters,
   the rendering may not last more than ``MAX_SECONDS``; past that, ``TemplateRefused``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

from django.template import (
    TemplateSyntaxError,
)
from django.template.base import (
    TextNode,
    VariableNode,
)
from django.utils.translation import gettext as _

from encaisse.dunning.composing.sandbox_checks import _Checker, _structure_problems, _syntax_error
from encaisse.dunning.composing.sandbox_engine import (
    ENGINE,
    Budget,
    BudgetContext,
    MeteredTextNode,
    MeteredVariableNode,
)
from encaisse.dunning.composing.sandbox_rules import (
    ALLOWED_FILTERS,
    ALLOWED_TAGS,
    MAX_ITERATIONS,
    MAX_OUTPUT,
    MAX_SECONDS,
    MAX_TEMPLATE,
    TemplateRefused,
)
from encaisse.dunning.composing.variables import MESSAGE_VARIABLES

__all__ = [
    "ALLOWED_FILTERS",
    "ALLOWED_TAGS",
    "MAX_ITERATIONS",
    "MAX_OUTPUT",
    "MAX_SECONDS",
    "MAX_TEMPLATE",
    "TemplateRefused",
    "check_template",
    "compile_template",
    "render_template",
]


def _metered(template: Any) -> Any:
    """Every piece of output the template makes is charged to the rendering's budget."""
    for node in template.nodelist.get_nodes_by_type(TextNode):
        node.__class__ = MeteredTextNode
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        node.__class__ = MeteredVariableNode
    return template


@functools.lru_cache(maxsize=64)  # a day's messages come from a handful of templates
def compile_template(text: str) -> Any:
    """The compiled template, or TemplateRefused naming every problem (line, name, what
    exists instead)."""
    if len(text) > MAX_TEMPLATE:
        raise TemplateRefused(
            _("a template may have up to %(count)s characters") % {"count": MAX_TEMPLATE}
        )
    problems = _structure_problems(text)
    if problems:
        raise TemplateRefused(*problems)
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise TemplateRefused(_syntax_error(error)) from None
    except RecursionError:
        raise TemplateRefused(_("this template is too deeply nested to be read.")) from None
    checker = _Checker()
    checker.nodes(template.nodelist, MESSAGE_VARIABLES, in_loop=False)
    if checker.problems:
        raise TemplateRefused(*checker.problems)
    return _metered(template)


def check_template(text: str) -> list[str]:
    """Why the template is refused (empty when it may be saved and sent)."""
    try:
        compile_template(text)
    except TemplateRefused as error:
        return error.problems
    return []


def render_template(text: str, context: Mapping[str, Any]) -> str:
    """Render a template in the sandbox; TemplateRefused when it is refused or too costly."""
    template = compile_template(text)
    budget = Budget(deadline=time.monotonic() + MAX_SECONDS)
    try:
        rendered = template.render(BudgetContext(context, budget))
    except RecursionError:
        raise TemplateRefused(_("this template is too deeply nested to be read.")) from None
    # A plain str: Django marks what it renders "safe" for HTML; a message is text, and a
    # page that shows it must escape it.
    return "".join((rendered,))
