"""The terminal UI (Textual): the app, its screens and widgets."""
