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
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template import (
    Context,
    Library,
    Node,
    NodeList,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import (
    FilterExpression,
    Lexer,
    TextNode,
    TokenType,
    Variable,
    VariableNode,
    filter_re,
)
from django.template.defaulttags import CommentNode, ForNode, IfNode, TemplateLiteral, WithNode
from django.template.engine import Engine
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from encaisse.core.errors import BadInput
from encaisse.dunning.composing.variables import FORLOOP, MESSAGE_VARIABLES
from encaisse.dunning.composing.variables import Variable as Documented

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


# ---------------------------------------------------- reading the text (tags and filters)


def _structure_problems(text: str) -> list[str]:
    """Tags and filters outside the lists, tags that do not close or nest too deep, named
    with their line, before the engine reads the template."""
    problems: list[str] = []
    opened: list[tuple[str, int | None]] = []  # (tag, line)
    closing = {end: tag for tag, (end, _more) in ALLOWED_TAGS.items()}
    for token in Lexer(text).tokenize():
        line = token.lineno
        words = token.contents.split()
        command = words[0] if words and token.token_type == TokenType.BLOCK else ""
        if opened and opened[-1][0] == "comment" and command != "endcomment":
            continue  # what a comment holds is not read
        if token.token_type == TokenType.VAR:
            for match in filter_re.finditer(token.contents):
                name = match["filter_name"]
                if name and name not in ALLOWED_FILTERS:
                    problems.append(_at(line, _unknown_filter(name)))
            continue
        if token.token_type != TokenType.BLOCK:
            continue
        if command in ALLOWED_TAGS:
            opened.append((command, line))
            if len(opened) > MAX_DEPTH:
                problems.append(
                    _at(
                        line, _("tags may be nested %(count)s deep at most.") % {"count": MAX_DEPTH}
                    )
                )
                break
            if command == "if" and len(words) > MAX_CONDITION_WORDS:
                problems.append(_at(line, _("this condition is too long.")))
        elif command in closing:
            if not opened or opened[-1][0] != closing[command]:
                problems.append(_at(line, _tag_misplaced(command, opened)))
                break
            opened.pop()
        elif any(command in more for _end, more in ALLOWED_TAGS.values()):
            if not opened or command not in ALLOWED_TAGS[opened[-1][0]][1]:
                problems.append(_at(line, _tag_misplaced(command, opened)))
                break
        else:
            problems.append(
                _at(
                    line,
                    _("the tag %(tag)s is not available in a message; the tags are %(tags)s.")
                    % {"tag": "{% " + _short(command, 20) + " %}", "tags": _names(ALLOWED_TAGS)},
                )
            )
    else:
        if opened:
            tag, line = opened[-1]
            problems.append(_at(line, _("the tag %(tag)s is never closed.") % {"tag": _tag(tag)}))
    return problems


def _tag(name: str) -> str:
    return "{% " + name + " %}"


def _tag_misplaced(command: str, opened: list[tuple[str, int | None]]) -> str:
    if not opened:
        return _("%(tag)s closes or continues no tag.") % {"tag": _tag(command)}
    return _("%(tag)s comes where %(expected)s was expected.") % {
        "tag": _tag(command),
        "expected": _tag(ALLOWED_TAGS[opened[-1][0]][0]),
    }


def _unknown_filter(name: str) -> str:
    return _(
        "the filter “%(filter)s” is not available in a message; the filters are %(filters)s."
    ) % {
        "filter": _short(name, 30),
        "filters": _names(ALLOWED_FILTERS),
    }


# -------------------------------------------------------- checking what the template reads


def _date_format_ok(text: str) -> bool:
    if text in NAMED_DATE_FORMATS:
        return True
    if len(text) > 40:
        return False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char.isalpha() and char not in DATE_LETTERS:
            return False
    return True


VALUE = Documented("a value")  # what a filter gives: something printable, with no fields


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def refuse(self, node: Node | None, message: str) -> None:
        token = getattr(node, "token", None)
        text = _at(getattr(token, "lineno", None), message)
        if text not in self.problems:
            self.problems.append(text)

    def variable(
        self, node: Node, variable: Variable, scope: Mapping[str, Documented]
    ) -> Documented | None:
        """What the lookup path reaches, or None (refused) when it leaves the documented list."""
        if variable.lookups is None:
            return VALUE  # a literal
        head, *rest = variable.lookups
        known = scope.get(head)
        if known is None:
            self.refuse(
                node,
                _("“%(name)s” is not a variable a message can use; it can use %(names)s.")
                % {"name": _short(head), "names": _names(scope)},
            )
            return None
        path = head
        for bit in rest:
            if known.is_list and bit.isdigit():
                assert known.item is not None  # noqa: S101 (is_list says so)
                known, path = known.item, f"{path}.{bit}"
                continue
            if bit not in known.fields:
                if known.fields:
                    message = _("“%(path)s.%(field)s” does not exist: “%(path)s” has %(names)s.")
                    names = _names(known.fields)
                else:
                    message = _(
                        "“%(path)s.%(field)s” does not exist: “%(path)s” is a value, "
                        "nothing can be read from it."
                    )
                    names = ""
                self.refuse(node, message % {"path": path, "field": _short(bit), "names": names})
                return None
            known, path = known.fields[bit], f"{path}.{bit}"
        return known

    def unprintable(self, node: Node, known: Documented, text: str) -> None:
        if known.is_list:
            self.refuse(
                node,
                _("“%(name)s” is a list: loop over it, %(example)s.")
                % {"name": _short(text), "example": LOOP_EXAMPLE},
            )
        else:
            self.refuse(
                node,
                _("“%(name)s” cannot be printed: use its fields (%(fields)s).")
                % {"name": _short(text), "fields": _names(known.fields)},
            )

    def argument(self, node: Node, name: str, is_lookup: bool, argument: Any, scope: Any) -> None:
        literal = argument.literal if isinstance(argument, Variable) else argument
        if isinstance(literal, str) and literal.strip().isdigit():
            literal = int(literal)
        if isinstance(argument, Variable) and argument.lookups is not None:
            if name not in VARIABLE_ARGUMENTS:
                self.refuse(
                    node,
                    _("the filter “%(filter)s” takes a written value, not a variable.")
                    % {"filter": name},
                )
                return
            known = self.variable(node, argument, scope)
            if known is not None and not known.is_printable:
                self.unprintable(node, known, str(argument.var))
            return
        if name == "date" and not _date_format_ok(str(literal)):
            self.refuse(
                node,
                _(
                    "“%(format)s” is not a date format: use letters of the day, month and year "
                    "(d/m/Y, j F Y) or DATE_FORMAT, SHORT_DATE_FORMAT."
                )
                % {"format": _short(str(literal))},
            )
        if name in NUMBER_ARGUMENTS:
            low, high = NUMBER_ARGUMENTS[name]
            if not isinstance(literal, int) or not low <= literal <= high:
                self.refuse(
                    node,
                    _("the filter “%(filter)s” takes a whole number from %(low)s to %(high)s.")
                    % {"filter": name, "low": low, "high": high},
                )

    def expression(
        self, node: Node, expression: FilterExpression, scope: Mapping[str, Documented]
    ) -> Documented | None:
        """What the expression gives (None when refused): a filter gives a plain value."""
        known = (
            self.variable(node, expression.var, scope)
            if isinstance(expression.var, Variable)
            else VALUE
        )
        for position, (function, arguments) in enumerate(expression.filters):
            name = FILTER_NAMES.get(function, "")
            counted = known is not None and known.is_list and name == "length"
            if position == 0 and known is not None and not known.is_printable and not counted:
                self.unprintable(node, known, str(expression.var))
                known = None
            for is_lookup, argument in arguments:
                self.argument(node, name, is_lookup, argument, scope)
        if known is None:
            return None
        return VALUE if expression.filters else known

    def output(
        self, node: Node, expression: FilterExpression, scope: Mapping[str, Documented]
    ) -> None:
        known = self.expression(node, expression, scope)
        if known is not None and not known.is_printable:
            self.unprintable(node, known, str(expression.var))

    def condition(self, node: Node, condition: Any, scope: Mapping[str, Documented]) -> None:
        if isinstance(condition, TemplateLiteral):
            value: Any = condition.value  # a FilterExpression (django-stubs says otherwise)
            self.expression(node, value, scope)
            return
        for part in (condition.first, condition.second):
            if part is not None:
                self.condition(node, part, scope)

    def nodes(self, nodes: NodeList, scope: Mapping[str, Documented], in_loop: bool) -> None:
        node: Any  # django-stubs types the tags' attributes loosely
        for node in nodes:
            if isinstance(node, TextNode | CommentNode):
                continue
            if isinstance(node, VariableNode):
                self.output(node, node.filter_expression, scope)
            elif isinstance(node, ForNode):
                self.loop(node, scope, in_loop)
            elif isinstance(node, IfNode):
                for condition, branch in node.conditions_nodelists:
                    if condition is not None:
                        self.condition(node, condition, scope)
                    self.nodes(branch, scope, in_loop)
            elif isinstance(node, WithNode):
                inner = dict(scope)
                for name, expression in node.extra_context.items():
                    inner[name] = self.expression(node, expression, scope) or VALUE
                self.nodes(node.nodelist, inner, in_loop)
            else:  # the engine knows no other tag; a new one must be added here first
                self.refuse(node, _("this tag is not available in a message."))

    def loop(self, node: Any, scope: Mapping[str, Documented], in_loop: bool) -> None:
        if in_loop:
            self.refuse(node, _("loops cannot be nested: a message goes over its invoices once."))
            return
        if node.sequence.filters:
            self.refuse(
                node,
                _("a loop goes over “invoices” as it is, without a filter: %(example)s.")
                % {"example": LOOP_EXAMPLE},
            )
            return
        before = len(self.problems)
        sequence = self.expression(node, node.sequence, scope)
        if sequence is None or not sequence.is_list:
            if len(self.problems) == before:  # else the name itself was refused, said already
                self.refuse(
                    node,
                    _("a loop goes over “invoices”: %(example)s.") % {"example": LOOP_EXAMPLE},
                )
            return
        if len(node.loopvars) != 1:
            self.refuse(node, _("a loop takes one name: %(example)s.") % {"example": LOOP_EXAMPLE})
            return
        assert sequence.item is not None  # noqa: S101 (is_list says so)
        inner = {**scope, node.loopvars[0]: sequence.item, "forloop": FORLOOP}
        self.nodes(node.nodelist_loop, inner, in_loop=True)
        self.nodes(node.nodelist_empty, scope, in_loop)


def _syntax_error(error: TemplateSyntaxError) -> str:
    """Django's words for what it cannot read, said for a finance user."""
    text = str(error)
    line = getattr(getattr(error, "token", None), "lineno", None)
    if match := re.match(r"Invalid filter: '(\w+)'", text):
        text = _unknown_filter(match[1])
    elif "may not begin with underscores" in text:
        text = _("a name may not begin with an underscore.")
    elif match := re.match(r"(\w+) requires (\d+) arguments?, (\d+) provided", text):
        text = (
            _("the filter “%(filter)s” takes no value after it.")
            if match[2] == "1"
            else _("the filter “%(filter)s” takes a value after a colon.")
        ) % {"filter": match[1]}
    elif match := re.match(r"Could not parse .*(?:from '(.*)'|: (.*))$", text):
        text = _(
            "“%(text)s” cannot be read: write a name, its fields and filters, "
            "such as {{ customer.name|upper }}."
        ) % {"text": _short(match[1] or match[2])}
    else:
        text = _("the template cannot be read (%(detail)s).") % {"detail": _short(text, 120)}
    return _at(line, text)


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
