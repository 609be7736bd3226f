"""The UI's Textual-free helpers: loading text, huge-value excerpts, the editor, ordered saves."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.core.autosave import Saver, snapshot
from tui.core.session import SessionStore
from tui.core.textfile import (
    TextFileError,
    decode_text,
    edit_in_editor,
    editor_command,
    head_and_tail,
    read_text_file,
)
from tui.ui.widgets.preview import changed_span, location_of


def test_decode_replaces_bad_bytes_drops_bom_and_normalises_newlines() -> None:
    assert decode_text(b"\xef\xbb\xbfa\r\nb\xffc\rd") == "a\nb\ufffdc\nd"


def test_read_text_file_refuses_directories_missing_and_oversized_files(tmp_path: Path) -> None:
    with pytest.raises(TextFileError, match="is a directory"):
        read_text_file(tmp_path)
    with pytest.raises(TextFileError, match="no such file"):
        read_text_file(tmp_path / "missing.log")
    big = tmp_path / "big.log"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(TextFileError, match="limit"):
        read_text_file(big, limit=1000)
    assert read_text_file(big, limit=2000) == "x" * 2000


def test_head_and_tail_shows_the_ends_of_a_huge_value_cheaply() -> None:
    assert head_and_tail("short\ntext") is None
    text = "\n".join(f"line {i}" for i in range(100_000))
    parts = head_and_tail(text, lines=3)
    assert parts == ("line 0\nline 1\nline 2", "line 99997\nline 99998\nline 99999")
    one_line = head_and_tail("y" * 1_000_000, lines=3, max_line=50)
    assert one_line is not None and one_line[0] == "y" * 49 + "…"


def test_editor_command_prefers_visual_and_splits_like_a_shell() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "nano"}) == ["nano"]
    assert editor_command({}) == ["vi"]
    with pytest.raises(TextFileError, match="cannot parse"):
        editor_command({"EDITOR": "vim 'unclosed"})


def test_edit_in_editor_round_trip(tmp_path: Path) -> None:
    script = tmp_path / "ed"
    script.write_text('#!/bin/sh\nprintf "\\033[31mnew\\033[0m text\\r\\n" > "$1"\n')
    script.chmod(0o755)
    suspended: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        suspended.append(True)
        yield

    new = edit_in_editor("old", "f.txt", suspend, env={"EDITOR": str(script)})
    assert new == "new text"  # escapes dropped, CRLF and the editor's final newline gone
    assert suspended == [True]


def test_edit_in_editor_reports_a_failing_or_missing_editor(tmp_path: Path) -> None:
    with pytest.raises(TextFileError, match="exited with status 3"):
        edit_in_editor("x", "f.txt", contextlib.nullcontext, env={"EDITOR": "sh -c 'exit 3'"})
    with pytest.raises(TextFileError, match="cannot start"):
        edit_in_editor("x", "f.txt", contextlib.nullcontext, env={"EDITOR": str(tmp_path / "no")})


def test_saver_never_writes_an_older_snapshot_over_a_newer_one(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = store.create("t")
    session.set("incident_summary", "newer")
    newer = snapshot(session)
    session.set("incident_summary", "older")  # the snapshot is a copy: unaffected
    assert newer.get("incident_summary") == "newer"
    saver = Saver(store)
    saved = saver.save(newer, generation=5)
    assert saved is not None and saved.path == session.path
    older = snapshot(session)
    assert saver.save(older, generation=4) is None  # a late worker: skipped
    assert session.path is not None
    assert store.load(session.path).get("incident_summary") == "newer"


def test_saver_serialises_concurrent_saves(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session = store.create("t")
    snaps = []
    for n in range(20):
        session.set("incident_summary", f"edit {n}")
        snaps.append((snapshot(session), n))
    saver = Saver(store)
    threads = [threading.Thread(target=saver.save, args=s) for s in reversed(snaps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert session.path is not None
    assert store.load(session.path).get("incident_summary") == "edit 19"


@given(st.text(alphabet="ab\n`é", max_size=40), st.text(alphabet="ab\n`é", max_size=40))
def test_the_preview_replaces_exactly_the_span_that_changed(old: str, new: str) -> None:
    start, end, replacement = changed_span(old, new)
    assert old[:start] + replacement + old[end:] == new
    row, column = location_of(old, start)
    assert old.split("\n")[row][:column] == old[:start].split("\n")[-1]
