"""The sandbox message templates render in: known names only, a few tags and filters, bounded.

A message template is written by a finance user and sent to customers, so it must not be
able to read anything but what the message is about. Three walls:

1. the context holds plain values only (``variables.template_context``): there is no model
   instance, user, request or setting to reach, whatever the template writes;
2. ``check_template`` reads the compiled template before it is saved or rendered and refuses,
   with the line and the list of what exists, every name and field outside the documented
   ``MESSAGE_VARIABLES``, every tag and filter outside a short list, and nested loops;
3. ``render_template`` renders with its own engine (no ``load``, ``include``, ``debug``,
   ``url``...) and a budget: a loop may not run more than ``MAX_ITERATIONS`` times in all,
   the output may not pass ``MAX_OUTPUT`` characters, the rendering may not last more than
   ``MAX_SECONDS``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
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
from django.template.defaulttags import (
    CommentNode,
    FirstOfNode,
    ForNode,
    IfNode,
    TemplateLiteral,
    TemplateTagNode,
    VerbatimNode,
    WithNode,
)
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
LOOP_EXAMPLE = "{% for invoice in invoices %}…{% endfor %}"

ALLOWED_TAGS = ("if", "for", "with", "firstof", "comment", "verbatim", "templatetag")
# Tags that only close or continue an allowed one.
CLOSING_TAGS = ("elif", "else", "endif", "empty", "endfor", "endwith", "endcomment", "endverbatim")
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
    "wordwrap",
)


class TemplateRefused(BadInput):
    """The template reads outside its variables, or would cost too much to render."""

    def __init__(self, *problems: str) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


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


class BoundedForNode(ForNode):
    """``{% for %}`` that spends the rendering's budget at each turn."""

    def render(self, context: Context) -> str:
        budget: Budget = context.budget  # type: ignore[attr-defined]
        node: Any = self  # django-stubs types ForNode's attributes loosely
        values = node.sequence.resolve(context, ignore_failures=True) or ()
        values = list(values)
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
                text = str(node.nodelist_loop.render(context))
                budget.spend(characters=len(text))
                parts.append(text)
        return mark_safe("".join(parts))  # noqa: S308 (plain text, autoescape is off)


def _bounded_for(parser: Any, token: Any) -> BoundedForNode:
    node = defaulttags.do_for(parser, token)
    return BoundedForNode(
        node.loopvars, node.sequence, node.is_reversed, node.nodelist_loop, node.nodelist_empty
    )


def _library() -> Library:
    library = Library()
    for name in ALLOWED_TAGS:
        library.tag(name, _bounded_for if name == "for" else defaulttags.register.tags[name])
    for name in ALLOWED_FILTERS:
        library.filter(name, defaultfilters.register.filters[name])
    return library


class SandboxEngine(Engine):
    default_builtins: list[str] = []  # Django's defaults: every tag and filter

    def __init__(self) -> None:
        super().__init__(debug=False, autoescape=False, libraries={}, builtins=[])
        self.template_builtins = [_library()]


ENGINE = SandboxEngine()


# ----------------------------------------------------------------------- the checking


def _names(names: Iterable[str]) -> str:
    return get_text_list([f"“{name}”" for name in names], _("and"))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def refuse(self, node: Node | None, message: str) -> None:
        token = getattr(node, "token", None)
        line = getattr(token, "lineno", None)
        text = (
            _("line %(line)s: %(problem)s") % {"line": line, "problem": message}
            if line
            else message
        )
        if text not in self.problems:
            self.problems.append(text)

    def variable(
        self, node: Node, variable: Variable, scope: Mapping[str, Documented]
    ) -> Documented | None:
        """What the lookup path reaches, or None (refused) when it leaves the documented list."""
        if variable.lookups is None:
            return None  # a literal
        head, *rest = variable.lookups
        known = scope.get(head)
        if known is None:
            self.refuse(
                node,
                _("“%(name)s” is not a variable a message can use; it can use %(names)s.")
                % {"name": head, "names": _names(scope)},
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
                    self.refuse(
                        node,
                        _("“%(path)s.%(field)s” does not exist: “%(path)s” has %(names)s.")
                        % {"path": path, "field": bit, "names": _names(known.fields)},
                    )
                else:
                    self.refuse(
                        node,
                        _(
                            "“%(path)s.%(field)s” does not exist: “%(path)s” is a value, "
                            "nothing can be read from it."
                        )
                        % {"path": path, "field": bit},
                    )
                return None
            known, path = known.fields[bit], f"{path}.{bit}"
        return known

    def expression(
        self, node: Node, expression: FilterExpression, scope: Mapping[str, Documented]
    ) -> Documented | None:
        known = (
            self.variable(node, expression.var, scope)
            if isinstance(expression.var, Variable)
            else None
        )
        for _function, arguments in expression.filters:
            for is_lookup, argument in arguments:
                if is_lookup:
                    self.variable(node, argument, scope)
        return None if expression.filters else known

    def output(
        self, node: Node, expression: FilterExpression, scope: Mapping[str, Documented]
    ) -> None:
        known = self.expression(node, expression, scope)
        if known is not None and known.is_list:
            self.refuse(
                node,
                _("“%(name)s” is a list: loop over it, %(example)s.")
                % {"name": expression.token, "example": LOOP_EXAMPLE},
            )

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
            if isinstance(node, TextNode | CommentNode | VerbatimNode | TemplateTagNode):
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
                    inner[name] = self.expression(node, expression, scope) or Documented(name)
                self.nodes(node.nodelist, inner, in_loop)
            elif isinstance(node, FirstOfNode):
                if node.asvar:
                    self.refuse(node, _("“firstof … as” is not available in a message."))
                for expression in node.vars:
                    self.output(node, expression, scope)
            else:  # the engine knows no other tag; a new one must be added here first
                self.refuse(node, _("this tag is not available in a message."))

    def loop(self, node: Any, scope: Mapping[str, Documented], in_loop: bool) -> None:
        if in_loop:
            self.refuse(
                node,
                _("loops cannot be nested: a message goes over its invoices once."),
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


def _token_problems(text: str) -> list[str]:
    """Tags and filters outside the sandbox's lists, named with their line (clearer than the
    engine's own "Invalid block tag")."""
    problems = []
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            command = token.contents.split()[0] if token.contents.split() else ""
            if command and command not in ALLOWED_TAGS + CLOSING_TAGS:
                problems.append(
                    _(
                        "line %(line)s: the tag %(tag)s is not available in a message; "
                        "the tags are %(tags)s."
                    )
                    % {
                        "line": token.lineno,
                        "tag": "{% " + command + " %}",
                        "tags": _names(ALLOWED_TAGS),
                    }
                )
        if token.token_type == TokenType.VAR:  # filters in tags: the engine's error says it
            for match in filter_re.finditer(token.contents):
                name = match["filter_name"]
                if name and name not in ALLOWED_FILTERS:
                    problems.append(
                        _(
                            "line %(line)s: the filter “%(filter)s” is not available in a "
                            "message; the filters are %(filters)s."
                        )
                        % {
                            "line": token.lineno,
                            "filter": name,
                            "filters": _names(ALLOWED_FILTERS),
                        }
                    )
    return problems


def compile_template(text: str) -> Any:
    """The compiled template, or TemplateRefused naming every problem (line, name, what
    exists instead)."""
    if len(text) > MAX_TEMPLATE:
        raise TemplateRefused(
            _("a template may have up to %(count)s characters") % {"count": MAX_TEMPLATE}
        )
    problems = _token_problems(text)
    if problems:
        raise TemplateRefused(*problems)
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise TemplateRefused(_translated_syntax_error(error)) from None
    checker = _Checker()
    checker.nodes(template.nodelist, MESSAGE_VARIABLES, in_loop=False)
    if checker.problems:
        raise TemplateRefused(*checker.problems)
    return template


def _translated_syntax_error(error: TemplateSyntaxError) -> str:
    text = str(error)
    token = getattr(error, "token", None)
    line = getattr(token, "lineno", None)
    match = re.match(r"Invalid filter: '(\w+)'", text)
    if match:
        text = _(
            "the filter “%(filter)s” is not available in a message; the filters are %(filters)s."
        ) % {"filter": match[1], "filters": _names(ALLOWED_FILTERS)}
    elif match := re.match(r"Unclosed tag on line \d+: '(\w+)'", text):
        text = _("the tag %(tag)s is never closed.") % {"tag": "{% " + match[1] + " %}"}
    elif match := re.match(r"Invalid block tag on line \d+: '(\w+)', expected (.*)\. Did", text):
        text = _("%(tag)s comes where %(expected)s was expected.") % {
            "tag": "{% " + match[1] + " %}",
            "expected": match[2],
        }
    elif "may not begin with underscores" in text:
        text = _("a name may not begin with an underscore.")
    else:
        text = _("the template cannot be read (%(detail)s).") % {"detail": text}
    return _("line %(line)s: %(problem)s") % {"line": line, "problem": text} if line else text


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
    # A plain str: Django marks what it renders "safe" for HTML; a message is text, and a
    # page that shows it must escape it.
    output = "".join((template.render(BudgetContext(context, budget)),))
    if len(output) > MAX_OUTPUT:
        budget.spend(characters=len(output))  # refused, with the budget's own message
    return output
