"""The errors a user can cause and fix, said in one line. Anything else is a bug."""

from __future__ import annotations


class IncidentTuiError(Exception):
    """A problem with the user's files or arguments, worded for them."""
