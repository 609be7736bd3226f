"""Real-terminal tests: programs driven inside a private tmux server (see harness.py)."""
