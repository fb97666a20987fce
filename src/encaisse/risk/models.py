"""The models of credit risk; each part keeps its own in a module of its own (models_*.py),
imported here so that Django finds them, one line each."""

from encaisse.risk.models_score import RiskScore, RiskScoreSnapshot, WeakSignal  # noqa: F401
