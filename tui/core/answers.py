"""The agent's answers: read (bounded), stored as `[[answers]]`, their actions merged into the
checklist. Answers are hostile pasted text like any field: escape sequences and control
characters are stripped on the way in, secrets are masked on the way out. Textual-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tui.core.checklist import Merged, merge_actions, parse_actions
from tui.core.errors import IncidentTuiError
from tui.core.fsio import FileRefused, FileTooLarge, read_regular
from tui.core.list_schema import MAX_ITEMS, TIME_FORMAT
from tui.core.model import Item, Session, now_utc
from tui.core.sanitize import strip_controls
from tui.core.textfile import decode_text, human_size

#: The largest answer stored: an answer in the seed's format is tens of KB; a megabyte is a
#: runaway agent or a wrong file, and it would be masked at every render of the session.
MAX_ANSWER_BYTES = 1024 * 1024
#: All of a session's answers together: a session file over fsio.MAX_READ_BYTES (64 MiB) cannot
#: be opened again, and a runaway `send` loop of 1 MiB answers reached that after 64 answers.
MAX_ANSWERS_TOTAL_BYTES = 16 * 1024 * 1024


class AnswerError(IncidentTuiError):
    """An answer that cannot be stored, said in one line."""


@dataclass(frozen=True)
class Stored:
    answer: Item
    checklist: Merged


def clean_answer(text: str) -> str:
    """The answer as stored: escapes and control characters gone, LF newlines, no blank edges."""
    return strip_controls(text).strip("\n")


def add_answer(
    session: Session, text: str, template: str, *, partial: bool = False, at: str | None = None
) -> Stored:
    """Append one answer and merge its actions into the checklist. Raises AnswerError for an
    empty or oversized answer, or when the session holds as many answers as a list may."""
    cleaned = clean_answer(text)
    if not cleaned.strip():
        raise AnswerError("the answer is empty; nothing stored")
    size = len(cleaned.encode("utf-8", "surrogatepass"))
    if size > MAX_ANSWER_BYTES:
        raise AnswerError(
            f"the answer is {human_size(size)}; the limit is {human_size(MAX_ANSWER_BYTES)}"
        )
    answers = session.items("answers")
    if len(answers) >= MAX_ITEMS:
        raise AnswerError(f"the incident already holds {MAX_ITEMS:,} answers")
    held = sum(len(str(a.get("text", "")).encode("utf-8", "surrogatepass")) for a in answers)
    if held + size > MAX_ANSWERS_TOTAL_BYTES:
        raise AnswerError(
            f"the incident's answers already hold {human_size(held)}; with this one they would "
            f"pass the limit of {human_size(MAX_ANSWERS_TOTAL_BYTES)} for all answers"
        )
    stamp = at or now_utc().strftime(TIME_FORMAT)
    answer: Item = {"at": stamp, "template": template, "text": cleaned, "partial": partial}
    answers.append(answer)
    return Stored(answer, merge_actions(session, parse_actions(cleaned), stamp))


def read_answer_file(path: Path) -> str:
    """The text of an answer file: a regular file, at most MAX_ANSWER_BYTES. Raises AnswerError."""
    try:
        raw = read_regular(path, MAX_ANSWER_BYTES, "answer file")
    except FileTooLarge:
        raise AnswerError(
            f"{path} is larger than the limit of {human_size(MAX_ANSWER_BYTES)} for an answer"
        ) from None
    except FileRefused as exc:
        raise AnswerError(str(exc)) from None
    return decode_text(raw)


def read_answer_stream(stream: BinaryIO) -> str:
    """An answer piped in: read up to the limit; more than that is refused, not cut."""
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_ANSWER_BYTES:
        chunk = stream.read(MAX_ANSWER_BYTES + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > MAX_ANSWER_BYTES:
        raise AnswerError(
            f"the answer on stdin is larger than the limit of {human_size(MAX_ANSWER_BYTES)}"
        )
    return decode_text(b"".join(chunks))


def summary(stored: Stored) -> str:
    """'4 new checklist items (2 already listed)': what storing an answer did to the checklist."""
    merged = stored.checklist
    text = f"{merged.added} new checklist item{'s' if merged.added != 1 else ''}"
    if merged.known:
        text += f" ({merged.known} already listed)"
    if merged.dropped:
        text += f"; {merged.dropped} dropped: the checklist is full"
    return text
