"""The dunning engine: pure functions from a customer's open items to the actions due.

No Django, no clock, no I/O: dataclasses in, dataclasses out (an import-linter contract
keeps it so). See ``plan_actions``.
"""

from encaisse.dunning.engine.model import (
    Actor,
    Channel,
    CustomerSnapshot,
    Instalment,
    OpenItem,
    PlannedAction,
    StepRule,
)
from encaisse.dunning.engine.planning import (
    PauseReason,
    dunned_part,
    forecast,
    next_step_index,
    pause_reason,
    plan_actions,
)

__all__ = [
    "Actor",
    "Channel",
    "CustomerSnapshot",
    "Instalment",
    "OpenItem",
    "PauseReason",
    "PlannedAction",
    "StepRule",
    "dunned_part",
    "forecast",
    "next_step_index",
    "pause_reason",
    "plan_actions",
]
