"""Synergy Desk: a desktop help-desk for an office that sells support per incident."""

__version__ = "0.1.0"
