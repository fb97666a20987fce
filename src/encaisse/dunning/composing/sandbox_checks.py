"""Reading a message template before it is saved or rendered: its tags and filters, and
every name and field it reads, against ``MESSAGE_VARIABLES``; one problem per line, with
what exists instead."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.template import (
    Node,
    NodeList,
    TemplateSyntaxError,
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
from django.utils.translation import gettext as _

from encaisse.dunning.composing.sandbox_engine import FILTER_NAMES
from encaisse.dunning.composing.sandbox_rules import (
    ALLOWED_FILTERS,
    ALLOWED_TAGS,
    DATE_LETTERS,
    LOOP_EXAMPLE,
    MAX_CONDITION_WORDS,
    MAX_DEPTH,
    NAMED_DATE_FORMATS,
    NUMBER_ARGUMENTS,
    VARIABLE_ARGUMENTS,
    _at,
    _names,
    _short,
)
from encaisse.dunning.composing.variables import FORLOOP
from encaisse.dunning.composing.variables import Variable as Documented

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
