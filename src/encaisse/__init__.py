"""Encaisse: open-source cash collection for B2B companies."""

__version__ = "0.1.0"
