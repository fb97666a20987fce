"""The models of credit risk; each part keeps its own in a module of its own (models_*.py),
imported here so that Django finds them, one line each."""

from encaisse.risk.models_limits import *  # noqa: F403  # limits and exposure, limit requests
