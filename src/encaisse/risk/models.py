"""The models of credit risk; each part keeps its own in a module of its own (models_*.py),
imported here so that Django finds them, one line each."""

from encaisse.risk.models_assessment import FieldAssessment  # noqa: F401
from encaisse.risk.models_blocking import Block, UnblockRequest  # noqa: F401
from encaisse.risk.models_limits import *  # noqa: F403  # limits and exposure, limit requests
from encaisse.risk.models_ratings import CoverKind, CreditRating, InsuranceCover  # noqa: F401
from encaisse.risk.models_score import RiskScore, RiskScoreSnapshot, WeakSignal  # noqa: F401
