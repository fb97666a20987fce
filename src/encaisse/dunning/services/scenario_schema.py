"""The scenario schema: what a scenario file and the scenario page may say, as pydantic models.

```yaml
name: Standard
segments: [sme, small]        # omit or empty: the default scenario
steps:
  - {key: courtesy, offset_days: -5, channel: email, actor: finance, template: courtesy}
  - {key: call, offset_days: 30, channel: call, actor: sales_rep}
```
``StepFields`` is one step's rules and ``ScenarioFields`` the file's; ``check_step`` adds
the rules between steps (keys used once, days in order) and is what the page calls too.
``parse_scenario`` reads YAML, keeping each value's line, and reports every problem at
once, each in one translated line: where it is (``line 6``), what is wrong, and for a bad
value the path of the field (``steps[2].channel``, counted from 0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import yaml
from django.utils.translation import gettext as _
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from encaisse.core.errors import BadInput
from encaisse.dunning.engine import Actor, Channel
from encaisse.ledger.models import Segment

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class StepSpec:
    key: str
    offset_days: int
    channel: str
    actor: str
    template: str
    requires_approval: bool
    min_amount: Decimal


@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    description: str
    segments: tuple[str, ...]
    steps: tuple[StepSpec, ...]


@dataclass(frozen=True)
class Problem:
    """What is wrong with a step, and which field it is about ("" for the step as a whole).
    ``named``: the message names the field already (a missing or unknown field)."""

    field: str
    message: str
    named: bool = False


def _refused(message: str) -> PydanticCustomError:
    # The message is translated already; pydantic must not read it as a template.
    return PydanticCustomError("encaisse", "{message}", {"message": message})


def _required(name: str) -> str:
    return _("step field '%(field)s' is required") % {"field": name}


def _present(name: str, value: Any) -> Any:
    if value is None or value == "":
        raise _refused(_required(name))
    return value


# ------------------------------------------------------------------------ one step


def _key(value: Any) -> str:
    key = str(_present("key", value))
    if not KEY_PATTERN.match(key):
        raise _refused(_("key '%(key)s': use lowercase letters, digits, _ or -") % {"key": key})
    return key


def _offset_days(value: Any) -> int:
    if isinstance(_present("offset_days", value), bool) or not isinstance(value, int):
        raise _refused(
            _("offset_days '%(value)s' must be a whole number of days") % {"value": value}
        )
    return value


def _channel(value: Any) -> str:
    channel = str(_present("channel", value))
    if channel not in Channel.__members__.values():
        raise _refused(
            _("unknown channel '%(channel)s' (expected %(expected)s)")
            % {"channel": channel, "expected": ", ".join(c.value for c in Channel)}
        )
    return channel


def _actor(value: Any) -> str:
    actor = str(value or Actor.FINANCE.value)
    if actor not in Actor.__members__.values():
        raise _refused(
            _("unknown actor '%(actor)s' (expected %(expected)s)")
            % {"actor": actor, "expected": ", ".join(a.value for a in Actor)}
        )
    return actor


def _approval(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _refused(_("requires_approval must be true or false"))
    return value


def _min_amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value or 0))
        if amount < 0 or not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _refused(
            _("min_amount '%(value)s' must be a positive amount") % {"value": value}
        ) from None
    return amount


class StepFields(BaseModel):
    """One step as a file or the page gives it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, BeforeValidator(_key)]
    offset_days: Annotated[int, BeforeValidator(_offset_days)]
    channel: Annotated[str, BeforeValidator(_channel)]
    actor: Annotated[str, BeforeValidator(_actor)] = Field(
        default=Actor.FINANCE.value, validate_default=True
    )
    template: Annotated[str, BeforeValidator(lambda value: str(value or ""))] = Field(
        default="", validate_default=True
    )
    requires_approval: Annotated[bool, BeforeValidator(_approval)] = False
    min_amount: Annotated[Decimal, BeforeValidator(_min_amount)] = Decimal(0)

    @field_validator("template")
    @classmethod
    def _written_steps_have_a_template(cls, template: str, info: ValidationInfo) -> str:
        channel = info.data.get("channel", "")
        if channel in Channel.written() and not template:
            raise _refused(
                _("an email step needs a template")
                if channel == "email"
                else _("a %(channel)s step needs a template") % {"channel": channel}
            )
        return template


STEP_FIELDS = frozenset(StepFields.model_fields)
_STEP_ORDER = {name: index for index, name in enumerate(StepFields.model_fields)}


def _step_problems(error: ValidationError) -> list[Problem]:
    problems = []
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else ""
        if detail["type"] == "extra_forbidden":
            message = _("unknown step field '%(field)s'") % {"field": name}
            problems.append(Problem("", message, named=True))
        elif detail["type"] == "missing":
            problems.append(Problem(name, _required(name), named=True))
        else:
            message = str(detail["ctx"]["message"]) if "ctx" in detail else detail["msg"]
            problems.append(Problem(name, message, named=message == _required(name)))
    problems.sort(key=lambda p: (p.field != "", _STEP_ORDER.get(p.field, 0), p.message))
    return problems


def check_step(
    values: Mapping[str, Any], *, previous: StepSpec | None, seen: Mapping[str, str]
) -> tuple[StepSpec, list[Problem]]:
    """The rules every step obeys, whether it comes from a file or from the page.

    ``values`` are the step's fields (YAML scalars or form values); ``previous`` the step
    before it; ``seen`` the keys of the steps before it, each with where it is ("line 4",
    "step 2"). Returns the step (with neutral values where a field is wrong) and its problems.
    """
    try:
        fields = StepFields.model_validate(dict(values))
    except ValidationError as error:
        problems = _step_problems(error)
        wrong = {problem.field for problem in problems}
        key, offset = values.get("key"), values.get("offset_days")
        step = StepSpec(
            key=str(key) if key not in (None, "") and "key" not in wrong else "",
            offset_days=offset if isinstance(offset, int) and "offset_days" not in wrong else 0,
            channel="",
            actor=Actor.FINANCE.value,
            template="",
            requires_approval=False,
            min_amount=Decimal(0),
        )
        valid_offset = "offset_days" not in wrong and isinstance(offset, int)
    else:
        problems = []
        step = StepSpec(**fields.model_dump())
        valid_offset = True
    if step.key and step.key in seen:
        problems.append(
            Problem(
                "key",
                _("key '%(key)s' is already used at %(where)s")
                % {"key": step.key, "where": seen[step.key]},
            )
        )
    if valid_offset and previous is not None and step.offset_days <= previous.offset_days:
        problems.append(
            Problem(
                "offset_days",
                _(
                    "offset_days %(offset)s must come after the previous step's %(previous)s "
                    "(steps go in order of days)"
                )
                % {"offset": step.offset_days, "previous": previous.offset_days},
            )
        )
    return step, problems


# ------------------------------------------------------------------------ the file


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _refused(_("'name' is required (text)"))
    return value.strip()


def _segments(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _refused(_("'segments' must be a list"))
    return value


def _segment(value: Any) -> str:
    segment = str(value)
    if segment not in Segment.values:
        raise _refused(
            _("unknown segment '%(segment)s' (expected %(expected)s)")
            % {"segment": segment, "expected": ", ".join(Segment.values)}
        )
    return segment


def _steps(value: Any) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _refused(_("'steps' must be a non-empty list"))
    return value


SegmentName = Annotated[str, BeforeValidator(_segment)]


class ScenarioFields(BaseModel):
    """A scenario file; its steps are checked one by one (``check_step``)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, BeforeValidator(_name)]
    description: Annotated[str, BeforeValidator(lambda value: str(value or ""))] = ""
    segments: Annotated[list[SegmentName], BeforeValidator(_segments)] = Field(default_factory=list)
    steps: Annotated[list[Any], BeforeValidator(_steps)]

    @field_validator("segments")
    @classmethod
    def _each_segment_once(cls, segments: list[str]) -> list[str]:
        for index, segment in enumerate(segments):
            if segment in segments[:index]:
                raise PydanticCustomError(
                    "encaisse",
                    "{message}",
                    {
                        "message": _("segment '%(segment)s' is listed twice")
                        % {"segment": segment},
                        "index": index,
                    },
                )
        return segments


TOP_FIELDS = frozenset(ScenarioFields.model_fields)


@dataclass
class _Document:
    """A YAML document as plain values, with the line each value starts on."""

    lines: dict[Path, int]
    errors: list[str]

    def line(self, path: Path) -> int:
        while path not in self.lines:
            path = path[:-1]
        return self.lines[path]

    def at(self, path: Path) -> str:
        return _("line %(line)s") % {"line": self.line(path)}

    def value(self, node: yaml.Node, path: Path) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in result:
                    what = (
                        _("step at line %(line)s") % {"line": self.lines[path]}
                        if path
                        else _("the scenario")
                    )
                    self.errors.append(
                        _("%(at)s: %(what)s: '%(key)s' is given twice")
                        % {"at": _at(key_node), "what": what, "key": key}
                    )
                result[key] = self.value(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
        # A plain Python value for a scalar node (YAML 1.1 types, as safe_load gives them).
        return yaml.safe_load(yaml.serialize(node))

    def problem(self, path: Path, message: str, *, named: bool = False) -> None:
        """'line 6: unknown channel 'pigeon' (...), in steps[2].channel'."""
        if path and not named:
            message = _("%(problem)s, in %(path)s") % {"problem": message, "path": _dotted(path)}
        self.errors.append(_("%(at)s: %(problem)s") % {"at": self.at(path), "problem": message})


def _at(node: yaml.Node) -> str:
    return _("line %(line)s") % {"line": node.start_mark.line + 1}


def _dotted(path: Path) -> str:
    """('steps', 2, 'channel') -> 'steps[2].channel'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _file_problem(document: _Document, detail: ErrorDetails) -> None:
    path: Path = tuple(detail["loc"])
    name = str(path[0]) if path else ""
    if detail["type"] == "extra_forbidden":
        expected = ", ".join(sorted(TOP_FIELDS))
        message = _("unknown field '%(field)s' (expected %(expected)s)") % {
            "field": name,
            "expected": expected,
        }
        document.problem((), message)
        return
    if detail["type"] == "missing":
        message = (
            _("'name' is required (text)")
            if name == "name"
            else _("'steps' must be a non-empty list")
        )
        document.problem((), message)
        return
    context = detail.get("ctx", {})
    if "index" in context:  # a segment listed twice: at that segment
        path = (*path, int(context["index"]))
    named = path in {("name",), ("segments",), ("steps",)}  # the message names them
    document.problem(path, str(context.get("message", detail["msg"])), named=named)


def parse_scenario(text: str) -> ScenarioSpec:
    """Read and check a scenario's YAML; BadInput lists every problem with its line."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{_('line %(line)s') % {'line': mark.line + 1}}: " if mark else ""
        problem = getattr(error, "problem", error)
        raise BadInput(
            _("%(where)snot valid YAML (%(problem)s)") % {"where": where, "problem": problem}
        ) from None
    if root is None:
        raise BadInput(_("the file is empty"))
    document = _Document(lines={}, errors=[])
    data = document.value(root, ())
    if not isinstance(data, dict):
        document.problem(
            (),
            _("%(what)s must be a mapping of keys to values") % {"what": _("the scenario")},
        )
        raise BadInput("; ".join(document.errors))
    try:
        scenario = ScenarioFields.model_validate(data)
    except ValidationError as error:
        scenario = None
        for detail in error.errors():
            _file_problem(document, detail)
    raw_steps = data.get("steps")
    raw_steps = raw_steps if isinstance(raw_steps, list) else []
    steps: list[StepSpec] = []
    seen: dict[str, str] = {}
    for index, values in enumerate(raw_steps):
        path: Path = ("steps", index)
        if not isinstance(values, dict):
            what = _("step at line %(line)s") % {"line": document.line(path)}
            message = _("%(what)s must be a mapping of keys to values") % {"what": what}
            document.problem(path, message, named=True)
            continue
        step, problems = check_step(values, previous=steps[-1] if steps else None, seen=seen)
        for problem in problems:
            located: Path = (*path, problem.field) if problem.field else path
            document.problem(located, problem.message, named=problem.named or not problem.field)
        if step.key:
            seen.setdefault(step.key, document.at(path))
        steps.append(step)
    if document.errors or scenario is None:
        raise BadInput("; ".join(document.errors))
    return ScenarioSpec(
        name=scenario.name,
        description=scenario.description,
        segments=tuple(scenario.segments),
        steps=tuple(steps),
    )
