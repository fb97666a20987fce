"""The sandbox's template engine: no ``load``, ``include``, ``debug`` or ``url``, the allowed
filters guarded, and a budget charged by every piece of output and every loop turn."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template import (
    Context,
    Library,
    defaultfilters,
    defaulttags,
)
from django.template.base import (
    TextNode,
    VariableNode,
)
from django.template.defaulttags import ForNode
from django.template.engine import Engine
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from encaisse.dunning.composing.sandbox_rules import (
    ALLOWED_FILTERS,
    MAX_ITERATIONS,
    MAX_OUTPUT,
    MAX_SECONDS,
    TemplateRefused,
    _short,
)

# ------------------------------------------------------------------------- the engine


@dataclass
class Budget:
    iterations: int = MAX_ITERATIONS
    output: int = MAX_OUTPUT
    deadline: float = 0.0

    def spend(self, *, turns: int = 0, characters: int = 0) -> None:
        self.iterations -= turns
        self.output -= characters
        if self.iterations < 0:
            raise TemplateRefused(
                _("the loops of this template run more than %(count)s times")
                % {"count": MAX_ITERATIONS}
            )
        if self.output < 0:
            raise TemplateRefused(
                _("the message would be longer than %(count)s characters") % {"count": MAX_OUTPUT}
            )
        if time.monotonic() > self.deadline:
            raise TemplateRefused(
                _("the template takes more than %(seconds)s seconds to render")
                % {"seconds": MAX_SECONDS}
            )


class BudgetContext(Context):
    """A rendering's context and its budget (out of the templates' reach: an attribute)."""

    def __init__(self, values: Mapping[str, Any], budget: Budget) -> None:
        super().__init__(dict(values), autoescape=False)
        self.budget = budget


class MeteredTextNode(TextNode):
    """Text of the template, charged to the budget each time it is output."""

    def render(self, context: Context) -> str:
        context.budget.spend(characters=len(self.s))  # type: ignore[attr-defined]
        return self.s

    def render_annotated(self, context: Context) -> str:
        return self.render(context)


class MeteredVariableNode(VariableNode):
    """A variable's output, charged to the budget."""

    def render(self, context: Context) -> str:
        output = str(super().render(context))
        context.budget.spend(characters=len(output))  # type: ignore[attr-defined]
        return output


class BoundedForNode(ForNode):
    """``{% for %}`` over one list, charging a turn of the budget each time round."""

    def render(self, context: Context) -> str:
        budget: Budget = context.budget  # type: ignore[attr-defined]
        node: Any = self  # django-stubs types ForNode's attributes loosely
        values = list(node.sequence.resolve(context, ignore_failures=True) or ())
        if not values:
            return str(node.nodelist_empty.render(context))
        if self.is_reversed:
            values.reverse()
        parts: list[str] = []
        with context.push():
            loop = context["forloop"] = {}
            for index, item in enumerate(values):
                budget.spend(turns=1)
                loop.update(
                    counter0=index,
                    counter=index + 1,
                    revcounter=len(values) - index,
                    revcounter0=len(values) - index - 1,
                    first=index == 0,
                    last=index == len(values) - 1,
                )
                context[self.loopvars[0]] = item
                parts.append(str(node.nodelist_loop.render(context)))
        return mark_safe("".join(parts))  # noqa: S308 (plain text, autoescape is off)


def _bounded_for(parser: Any, token: Any) -> BoundedForNode:
    node = defaulttags.do_for(parser, token)
    return BoundedForNode(
        node.loopvars, node.sequence, node.is_reversed, node.nodelist_loop, node.nodelist_empty
    )


def _guarded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose failure on an odd value is a refusal, never a crash."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (TypeError, ValueError, ArithmeticError, AttributeError) as error:
            raise TemplateRefused(
                _("the filter “%(filter)s” cannot apply here (%(detail)s)")
                % {"filter": name, "detail": _short(str(error), 80)}
            ) from None

    return guarded


FILTERS = {name: _guarded(name, defaultfilters.register.filters[name]) for name in ALLOWED_FILTERS}
FILTER_NAMES = {function: name for name, function in FILTERS.items()}


def _library() -> Library:
    library = Library()
    library.tag("if", defaulttags.register.tags["if"])
    library.tag("for", _bounded_for)
    library.tag("with", defaulttags.register.tags["with"])
    library.tag("comment", defaulttags.register.tags["comment"])
    for name, function in FILTERS.items():
        library.filter(name, function)
    return library


class SandboxEngine(Engine):
    default_builtins: list[str] = []  # Django's defaults: every tag and filter

    def __init__(self) -> None:
        super().__init__(debug=False, autoescape=False, libraries={}, builtins=[])
        self.template_builtins = [_library()]


ENGINE = SandboxEngine()
