"""Peewee models, database opening from one URL, and schema migrations."""

from synergy_desk.models.base import db, utcnow
from synergy_desk.models.tables import *  # noqa: F403  (the models are this package's API)
from synergy_desk.models.tables import ALL_MODELS

__all__ = ["db", "utcnow", "ALL_MODELS"]
