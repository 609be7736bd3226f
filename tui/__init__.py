"""incident-tui: turn a production incident into a careful prompt for a coding agent."""

__version__ = "0.1.0"
