"""What git already knows about an incident: the commits of the window, the files they changed.

Git runs read-only (`git -C DIR log/diff/rev-parse`, an argv list, never a shell), with a timeout
and an output cap (tui.core.runcmd). The repository may be a hostile clone, and its .git/config
is then the attacker's: every setting that would make git run a program or reach the network
for these commands is overridden on the command line or in the environment (see `git_env` and
`GIT_OPTIONS`), and the diff compares two commits, so no work-tree file passes a filter.
Everything git prints (subjects, author names, paths) is sanitized before it is kept.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tui.core.errors import IncidentTuiError
from tui.core.list_schema import TIME_FORMAT
from tui.core.runcmd import Captured, first_line, run_capped
from tui.core.sanitize import strip_controls

GIT_TIMEOUT = 15.0
#: A git answer larger than this is cut (and the gather says so).
GIT_MAX_BYTES = 4 * 1024 * 1024
#: At most this many commits of the window become change items.
MAX_COMMITS = 200
#: At most this many files are listed; the totals count them all.
MAX_FILES = 40
#: Without a known start, the window is this long.
DEFAULT_WINDOW = timedelta(hours=24)
#: Before a known start, the window opens this much earlier (the deploy came first).
LEAD_TIME = timedelta(hours=2)
SHORT_SHA = 12
#: A change item names at most this many of its commit's tags (a repository can hang thousands
#: on one commit, and each would lengthen one list item).
MAX_TAGS = 3

#: Overrides, on git's command line, of what a repository's own config could set to run a
#: program: a pager, an fsmonitor hook, signature checks (gpg.program), hooks, colour, submodule
#: logs. Command-line settings beat the repository's.
GIT_OPTIONS: tuple[str, ...] = (
    "--no-pager",
    "-c", "core.pager=cat",
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "log.showSignature=false",
    "-c", "gpg.program=false",
    "-c", "gpg.ssh.program=false",
    "-c", "gpg.x509.program=false",
    "-c", "diff.submodule=short",
    "-c", "color.ui=false",
    "-c", "protocol.allow=never",
    "-c", "core.sshCommand=false",
    "-c", "credential.helper=",
    "-c", "i18n.logOutputEncoding=UTF-8",
    # Files git would read that could be a FIFO (a hang until the timeout): the mailmap and
    # the attributes file.
    "-c", "log.mailmap=false",
    "-c", "core.attributesFile=/dev/null",
)  # fmt: skip

#: Environment variables that point git at another repository, config, program or trace file:
#: the user's environment may carry them, and none is wanted here.
_DROPPED_ENV = re.compile(r"^(GIT_|PAGER$|LESS|SSH_ASKPASS$|EDITOR$|VISUAL$)")


class GatherError(IncidentTuiError):
    """Gathering cannot start or git failed: one line saying why."""


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs in: no system config, no terminal prompt, no pager, no network
    transport at all (a partial clone would otherwise fetch missing objects, and a repository's
    config may allow the `ext::` transport, which runs a command), messages in English."""
    source = base if base is not None else os.environ
    env = {k: v for k, v in source.items() if not _DROPPED_ENV.match(k)}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="false",
        SSH_ASKPASS="false",
        GIT_PAGER="cat",
        PAGER="cat",
        GIT_EDITOR="false",
        # Set, the list of allowed transports is exactly this one (there is none by that name):
        # it overrides any protocol.<name>.allow the repository's config sets.
        GIT_ALLOW_PROTOCOL="none",
        GIT_PROTOCOL_FROM_USER="0",
        GIT_NO_LAZY_FETCH="1",
        GIT_OPTIONAL_LOCKS="0",
        GIT_NO_REPLACE_OBJECTS="1",
        LC_ALL="C",
        LANGUAGE="C",
    )
    return env


def run_git(
    repo: Path,
    *args: str,
    timeout: float | None = None,
    max_bytes: int = GIT_MAX_BYTES,
    allow_fail: bool = False,
) -> Captured:
    timeout = GIT_TIMEOUT if timeout is None else timeout
    argv = ["git", "-C", str(repo), *GIT_OPTIONS, *args]
    try:
        result = run_capped(argv, env=git_env(), timeout=timeout, max_bytes=max_bytes)
    except FileNotFoundError:
        raise GatherError("git is not installed (no `git` on PATH); nothing gathered") from None
    except OSError as exc:
        raise GatherError(f"git cannot be run: {exc.strerror or exc}") from None
    if result.timed_out:
        raise GatherError(f"git {args[0]} in {repo} took longer than {timeout:g} s; stopped")
    # A cut answer: git was killed by us (SIGKILL), not failing; the caller uses what came
    # before the cut and says that it was cut.
    if not result.ok and not result.truncated and not allow_fail:
        why = strip_controls(first_line(result.stderr)) or f"exit status {result.returncode}"
        raise GatherError(f"git {args[0]} in {repo} failed: {why}")
    return result


def repo_root(directory: Path) -> Path:
    """The top of the work tree `directory` is in. Raises GatherError (one line) outside one."""
    if not directory.is_dir():
        raise GatherError(f"{directory}: no such directory")
    result = run_git(directory, "rev-parse", "--show-toplevel", allow_fail=True)
    if not result.ok:
        message = strip_controls(first_line(result.stderr))
        if "not a git repository" in message.lower():
            raise GatherError(f"{directory} is not inside a git repository; nothing gathered")
        if "dubious ownership" in message.lower():
            raise GatherError(
                f"{directory}: git refuses a repository owned by another user "
                "(see `git config safe.directory`); nothing gathered"
            )
        raise GatherError(f"{directory}: git rev-parse failed: {message}")
    top = result.stdout.decode("utf-8", "surrogateescape").strip()
    if not top:
        raise GatherError(f"{directory} is not inside a work tree (a bare repository?)")
    return Path(top)


# --- the window ----------------------------------------------------------------------------------

_STAMP = re.compile(
    r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)(?::(\d\d))?\s*(Z|UTC|[+-]\d\d:?\d\d)?", re.IGNORECASE
)
_RELATIVE = re.compile(r"(\d+)\s*(m|min|mins|minutes?|h|hours?|d|days?)(\s+ago)?", re.IGNORECASE)


def parse_time(text: str, now: datetime | None = None) -> datetime | None:
    """A time someone typed: "2026-11-29 14:07 UTC" (found anywhere in the text; no zone means
    UTC, as the app writes it), "2026-11-29T14:07+01:00", or "2h" / "90 minutes ago" / "1d"."""
    text = text.strip()
    relative = _RELATIVE.fullmatch(text)
    if relative:
        amount = int(relative.group(1))
        unit = relative.group(2)[0].lower()
        size = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}[unit]
        try:
            return (now or datetime.now(UTC)) - amount * size
        except OverflowError:
            return None
    found = _STAMP.search(text)
    if not found:
        return None
    date, clock, seconds, zone = found.groups()
    try:
        when = datetime.strptime(f"{date} {clock}:{seconds or '00'}", "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    offset = timedelta(0)
    if zone and zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            return None  # "+99:99" is no zone
        offset = timedelta(hours=hours, minutes=minutes)
        offset = -offset if zone[0] == "-" else offset
    try:
        return when.replace(tzinfo=UTC) - offset
    except OverflowError:  # "9999-12-31 23:59 -23:59", from someone else's session file
        return None


@dataclass(frozen=True)
class Window:
    """Where the gathered history starts: a time or a commit, and how to say it."""

    since: datetime | None
    base_ref: str | None
    label: str


def window_for(
    repo: Path, since: str | None, started_at: str, now: datetime | None = None
) -> Window:
    """--since TIME|REF when given, else two hours before `started_at`, else the last 24 h."""
    now = now or datetime.now(UTC)
    if since is not None and since.strip():
        when = parse_time(since, now)
        if when is not None:
            return Window(when, None, f"since {when.strftime(TIME_FORMAT)} UTC")
        ref = since.strip()
        if ref.startswith("-") or "\n" in ref:
            raise GatherError(f"--since {ref!r}: not a time or a commit")
        result = run_git(
            repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", allow_fail=True
        )
        sha = result.stdout.decode("ascii", "replace").strip()
        if not result.ok or not re.fullmatch(r"[0-9a-f]{40,64}", sha):
            raise GatherError(
                f'--since {strip_controls(ref)!r}: not a time ("2026-11-29 14:00 UTC", "2h") '
                f"nor a commit in {repo}"
            )
        return Window(None, sha, f"since {strip_controls(ref)} ({sha[:SHORT_SHA]})")
    started = parse_time(started_at, now) if started_at.strip() else None
    if started is not None and _RELATIVE.fullmatch(started_at.strip()) is None:
        try:
            when = started - LEAD_TIME
        except OverflowError:  # "0001-01-01 00:30": there is no two hours before it
            when = datetime.min.replace(tzinfo=UTC)
        return Window(when, None, f"since {when.strftime(TIME_FORMAT)} UTC (2 h before the start)")
    when = now - DEFAULT_WINDOW
    return Window(when, None, f"since {when.strftime(TIME_FORMAT)} UTC (the last 24 h)")


# --- commits and files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Commit:
    sha: str
    when: datetime
    author: str
    subject: str
    parents: int
    tags: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return self.sha[:SHORT_SHA]

    @property
    def marks(self) -> str:
        """ " [merge] [tag v1.4.2]": a release or a merge is the usual suspect."""
        marks = [" [merge]"] if self.parents > 1 else []
        marks += [f" [tag {tag}]" for tag in self.tags[:MAX_TAGS]]
        if len(self.tags) > MAX_TAGS:
            marks.append(f" [{len(self.tags) - MAX_TAGS:,} more tags]")
        return "".join(marks)

    def item(self) -> dict[str, str]:
        """A [[changes]] item."""
        return {
            "when": self.when.strftime(TIME_FORMAT) + " UTC",
            "what": f"{self.subject} ({self.author}){self.marks}",
            "ref": self.ref,
            "relation": "unknown",
        }


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int
    deleted: int
    binary: bool = False

    @property
    def size(self) -> int:
        return self.added + self.deleted


@dataclass(frozen=True)
class GitGather:
    """What one gather found in one repository."""

    repo: Path
    window: Window
    head: str
    commits: tuple[Commit, ...]
    files: tuple[FileChange, ...]
    #: Commits beyond MAX_COMMITS, and notes on what was cut.
    more_commits: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def change_items(self) -> list[dict[str, str]]:
        return [c.item() for c in self.commits]

    def files_text(self, limit: int = MAX_FILES) -> str:
        """The changed files, most-changed first, capped, with the totals; "" when none."""
        if not self.files:
            return ""
        added = sum(f.added for f in self.files)
        deleted = sum(f.deleted for f in self.files)
        count = len(self.files)
        lines = [
            f"Changed {self.window.label} (up to {self.head[:SHORT_SHA]}): "
            f"{count:,} file{'s' if count != 1 else ''}, +{added:,} -{deleted:,} lines"
        ]
        ordered = sorted(self.files, key=lambda f: (-f.size, f.path))
        for f in ordered[:limit]:
            change = "binary" if f.binary else f"+{f.added} -{f.deleted}"
            lines.append(f"  {change:>14}  {f.path}")
        if count > limit:
            lines.append(f"  … and {count - limit:,} more files")
        lines += [f"  ({note})" for note in self.notes if "file" in note]
        return "\n".join(lines)


def _clean(raw: bytes, limit: int = 300) -> str:
    text = strip_controls(raw.decode("utf-8", "replace")).replace("\n", " ").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FORMAT = "%H%x00%ct%x00%P%x00%D%x00%an%x00%s"
_FORMAT_FIELDS = 6
_EMPTY_TREES = {
    "sha1": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "sha256": "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
}


def _git_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")


def parse_log(data: bytes) -> list[Commit]:
    """`git log -z --format=_FORMAT` output: a NUL after every field, records too."""
    parts = data.split(b"\x00")
    commits = []
    for start in range(0, len(parts) - _FORMAT_FIELDS + 1, _FORMAT_FIELDS):
        sha, stamp, parents, refs, author, subject = parts[start : start + _FORMAT_FIELDS]
        sha_text = sha.decode("ascii", "replace").strip()
        if not re.fullmatch(r"[0-9a-f]{40,64}", sha_text) or not stamp.strip().isdigit():
            break  # a cut answer: what came before is whole
        try:
            when = datetime.fromtimestamp(int(stamp), UTC)
        except (OverflowError, ValueError, OSError):
            continue
        tags = tuple(
            _clean(r.strip()[5:].strip(), 80)
            for r in refs.split(b",")
            if r.strip().startswith(b"tag: ")
        )
        commits.append(
            Commit(sha_text, when, _clean(author, 80), _clean(subject), len(parents.split()), tags)
        )
    return commits


def parse_numstat(data: bytes) -> list[FileChange]:
    """`git diff --numstat -z --no-renames` output: "ADDED\\tDELETED\\tPATH\\0" per file."""
    files = []
    for record in data.split(b"\x00"):
        fields = record.split(b"\t", 2)
        if len(fields) != 3:
            continue
        added, deleted, path = fields
        binary = added == b"-" and deleted == b"-"
        if not binary and not (added.isdigit() and deleted.isdigit()):
            continue
        files.append(
            FileChange(
                _clean(path, 400),
                0 if binary else int(added),
                0 if binary else int(deleted),
                binary,
            )
        )
    return files


def gather_git(
    directory: Path, *, since: str | None = None, started_at: str = "", now: datetime | None = None
) -> GitGather:
    """Everything git says about the window. Raises GatherError (one line)."""
    repo = repo_root(directory)
    head_result = run_git(repo, "rev-parse", "--verify", "--quiet", "HEAD", allow_fail=True)
    head = head_result.stdout.decode("ascii", "replace").strip()
    if not head_result.ok or not head:
        raise GatherError(f"{repo} has no commits yet; nothing gathered")
    window = window_for(repo, since, started_at, now)
    log_args = [
        "log",
        "-z",
        "--no-show-signature",
        "--no-color",
        "--encoding=UTF-8",
        "--decorate-refs=refs/tags/",
        f"--format={_FORMAT}",
        f"--max-count={MAX_COMMITS + 1}",
    ]
    if window.base_ref is not None:
        log_args.append(f"{window.base_ref}..{head}")
    else:
        assert window.since is not None
        log_args += [f"--since={_git_time(window.since)}", head]
    log = run_git(repo, *log_args)
    commits = parse_log(log.stdout)
    notes: list[str] = []
    more = len(commits) > MAX_COMMITS
    if more or log.truncated:
        notes.append(f"only the newest {min(len(commits), MAX_COMMITS)} commits are listed")
    commits = commits[:MAX_COMMITS]
    files: list[FileChange] = []
    if commits:
        base = window.base_ref or _base_before(repo, head, window)
        diff = run_git(
            repo,
            "diff",
            "--numstat",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--submodule=short",
            base,
            head,
        )
        files = parse_numstat(diff.stdout)
        if diff.truncated:
            notes.append(f"the file list was cut at {GIT_MAX_BYTES:,} bytes of git output")
    return GitGather(repo, window, head, tuple(commits), tuple(files), more, tuple(notes))


def _base_before(repo: Path, head: str, window: Window) -> str:
    """The last commit (first parent line) before the window, or the empty tree."""
    assert window.since is not None
    found = run_git(
        repo,
        "log",
        "-1",
        "--first-parent",
        "--no-show-signature",
        "--format=%H",
        f"--before={_git_time(window.since)}",
        head,
    )
    sha = found.stdout.decode("ascii", "replace").strip()
    if re.fullmatch(r"[0-9a-f]{40,64}", sha):
        return sha
    kind = run_git(repo, "rev-parse", "--show-object-format", allow_fail=True)
    return _EMPTY_TREES.get(kind.stdout.decode("ascii", "replace").strip(), _EMPTY_TREES["sha1"])
