"""`incident-tui list` fits the terminal as before it stopped importing shutil."""

from __future__ import annotations

import shutil

import pytest

from tui import cli_list


@pytest.mark.parametrize("columns", ["120", "30", "0", "-5", "abc"])
def test_list_width_is_what_shutil_answers(monkeypatch: pytest.MonkeyPatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setenv("LINES", "24")
    assert cli_list._list_width() == max(shutil.get_terminal_size().columns, 40)


def test_a_pipe_without_columns_gets_whole_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr("sys.stdout.isatty", lambda: False)
    assert cli_list._list_width() is None
