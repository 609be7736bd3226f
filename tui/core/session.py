"""Incident sessions: one import for the model, the file format and the store.

The code lives in tui.core.model (the Session), tui.core.sessionfile (the TOML format and its
migrations), tui.core.store (the store of files) and tui.core.fsio (safe reads and writes). These
names are kept here for the UI modules that import them from one place.
"""

from __future__ import annotations

from tui.core.fsio import atomic_write
from tui.core.model import (
    DEFAULT_TEMPLATE,
    Session,
    SessionConflict,
    SessionError,
    age_text,
    normalize_severity,
    now_utc,
)
from tui.core.sessionfile import MIGRATIONS, SCHEMA_VERSION, migrate, session_from_text
from tui.core.store import (
    BrokenSession,
    SessionStore,
    SessionSummary,
    default_home,
    glob_escape,
    slugify,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "BrokenSession",
    "Session",
    "SessionConflict",
    "SessionError",
    "SessionStore",
    "SessionSummary",
    "age_text",
    "atomic_write",
    "default_home",
    "glob_escape",
    "migrate",
    "normalize_severity",
    "now_utc",
    "session_from_text",
    "slugify",
]
