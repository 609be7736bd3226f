"""Where templates come from, how they are compiled, and where each one runs.

The built-in templates ship with the program and render in this process, compiled through Jinja's
own FileSystemBytecodeCache in a private directory. A user's template renders in a separate
process with time, memory and size bounds (see template_worker), so a template that never ends
or eats memory costs a failed render, never the app.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.errors import IncidentTuiError
from tui.core.fsio import FileRefused, check_private_dir, private_dir, read_regular
from tui.core.sanitize import strip_controls

if TYPE_CHECKING:
    import subprocess

    import jinja2
    from jinja2.bccache import Bucket

TEMPLATE_SUFFIX = ".md.j2"
#: How long one render of a user's template may take before its process is killed.
RENDER_SECONDS = 2.0
#: How long the process that renders user templates may take to start.
STARTUP_SECONDS = 10.0
#: The largest template file read.
MAX_TEMPLATE_BYTES = 256 * 1024


class TemplateProblem(IncidentTuiError):
    """A template that is missing, broken or over its bounds: one line, with file and line."""


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    path: Path
    origin: str  # "built-in" or "user"


def builtin_templates_dir() -> Path:
    """The packaged templates in an installed wheel, or the repository's templates/ otherwise."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def private_dir_problem(path: Path, *, create: bool = False) -> str | None:
    """Why `path` is not a directory only this user can write to, or None when it is.

    With `create`, a missing directory is made 0700. A symlink is refused rather than followed.
    """
    try:
        if create:
            private_dir(path)
        else:
            check_private_dir(path)
    except FileRefused as exc:
        return str(exc)
    return None


def _bytecode_cache_class() -> type[Any]:
    from jinja2 import FileSystemBytecodeCache

    class PrivateBytecodeCache(FileSystemBytecodeCache):
        """Jinja's cache, loading only from a private directory and only files this user wrote.

        Compiled code is run when loaded, so the directory is checked before every load and
        every file after it is opened; anything else is ignored (compiled anew) and reported.
        """

        def __init__(self, directory: Path) -> None:
            super().__init__(str(directory), "%s.jinja-bytecode")
            self.problems: list[str] = []

        def _usable(self) -> bool:
            problem = private_dir_problem(Path(self.directory), create=True)
            if problem is not None and problem not in self.problems:
                self.problems.append(f"template cache not used: {problem}")
            return problem is None

        def load_bytecode(self, bucket: Bucket) -> None:
            if not self._usable():
                return
            name = self._get_cache_filename(bucket)
            try:
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            except OSError:
                return  # not cached yet (or a symlink: ELOOP), compiled anew
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
                    self.problems.append(
                        f"template cache not used: {name} is not a private file of this user"
                    )
                    return
                bucket.load_bytecode(f)

        def dump_bytecode(self, bucket: Bucket) -> None:
            if self._usable():  # Jinja writes a 0600 temporary file and renames it
                with contextlib.suppress(OSError):
                    super().dump_bytecode(bucket)

    return PrivateBytecodeCache


class LoadedTemplate:
    """A compiled template, ready to render a context of plain data (str, dict, list)."""

    def __init__(self, info: TemplateInfo, source: str, template: jinja2.Template | None) -> None:
        self.info = info
        self.source = source
        self._template = template  # None: rendered in the worker process

    @property
    def filename(self) -> str:
        return str(self.info.path)

    def render(self, context: Mapping[str, Any]) -> str:
        """The text, or TemplateProblem ('FILE:LINE: why') on any failure of the template."""
        if self._template is None:
            return _worker().render(self.source, self.filename, context)
        from tui.core.template_worker import error_line, render_bounded

        try:
            return render_bounded(self._template, context)
        except Exception as exc:  # noqa: BLE001 - whatever a template raised is one line
            raise TemplateProblem(error_line(exc, self.filename)) from None


class TemplateLibrary:
    """Templates from the user's directory (first, so they win) and the built-in ones."""

    def __init__(
        self,
        user_dir: Path | None = None,
        builtin_dir: Path | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.user_dir = user_dir
        self.builtin_dir = builtin_dir or builtin_templates_dir()
        #: Compiled built-in templates are kept here; None: compile every time.
        self.cache_dir = cache_dir
        self._cache: Any = None
        # The last template loaded, by (path, source): the preview renders after every pause in
        # typing, and the source is read again each time so that an edit is seen.
        self._loaded: dict[tuple[Path, str], LoadedTemplate] = {}
        #: What went wrong with the cache, one line each (the cache is then not used).
        self.problems: list[str] = []

    def _dirs(self) -> list[tuple[Path, str]]:
        dirs = [(self.builtin_dir, "built-in")]
        if self.user_dir is not None and os.path.lexists(self.user_dir):
            # Templates are code: none is loaded from a place another user can write, nor from
            # under a home another user can write (they could swap the directory).
            problem = private_dir_problem(self.user_dir.parent) or private_dir_problem(
                self.user_dir
            )
            if problem is None:
                dirs.insert(0, (self.user_dir, "user"))
            elif (note := f"user templates not loaded: {problem}") not in self.problems:
                self.problems.append(note)
        return dirs

    def available(self) -> list[TemplateInfo]:
        found: dict[str, TemplateInfo] = {}
        for directory, origin in self._dirs():
            for path in sorted(directory.glob(f"*{TEMPLATE_SUFFIX}")):
                name = path.name[: -len(TEMPLATE_SUFFIX)]
                found.setdefault(name, TemplateInfo(name, path, origin))
        return sorted(found.values(), key=lambda t: t.name)

    def find(self, name: str) -> TemplateInfo:
        for info in self.available():
            if info.name == name:
                return info
        known = ", ".join(t.name for t in self.available()) or "none"
        raise TemplateProblem(f"no template named {name!r} (available: {known})")

    def load(self, name: str) -> LoadedTemplate:
        info = self.find(name)
        source = _read_template(info.path)
        loaded = self._loaded.get((info.path, source))
        if loaded is None:
            loaded = self._load(info, source)
            self._loaded = {(info.path, source): loaded}
        return loaded

    def _load(self, info: TemplateInfo, source: str) -> LoadedTemplate:
        if info.origin != "built-in":
            return LoadedTemplate(info, source, None)
        import jinja2

        from tui.core.template_worker import BoundedSandbox

        env = BoundedSandbox()
        try:
            code = self._compiled(env, info, source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"{info.path}:{exc.lineno}: {exc.message}") from None
        template = env.template_class.from_code(env, code, env.make_globals(None))
        return LoadedTemplate(info, source, template)

    def _compiled(self, env: jinja2.Environment, info: TemplateInfo, source: str) -> Any:
        """The template's code, through Jinja's bytecode cache when there is a cache directory.

        The cache checks the source's checksum, so an edited template is compiled again.
        """
        filename = str(info.path)
        if self.cache_dir is None:
            return env.compile(source, name=info.name, filename=filename)
        if self._cache is None:
            self._cache = _bytecode_cache_class()(self.cache_dir)
        cache = self._cache
        bucket = cache.get_bucket(env, info.name, filename, source)
        code = bucket.code
        if code is None:
            code = env.compile(source, name=info.name, filename=filename)
            bucket.code = code
            cache.set_bucket(bucket)
        for problem in cache.problems:
            if problem not in self.problems:
                self.problems.append(problem)
        return code


# The first line of a template: `{#- description: One line for the list of templates.`
_DESCRIPTION = re.compile(r"\{#-?\s*description:\s*(.*?)\s*(?:-?#\})?\s*$", re.IGNORECASE)
#: A description longer than this is cut (it is one line of `incident-tui templates`).
MAX_DESCRIPTION_CHARS = 160


def describe(info: TemplateInfo) -> str:
    """The template's one-line description: its first line when that is a Jinja comment
    `{#- description: … -#}`, else ''. Only read, never run; control characters dropped."""
    try:
        first = _read_template(info.path).split("\n", 1)[0]
    except TemplateProblem:
        return ""
    found = _DESCRIPTION.fullmatch(first)
    if found is None:
        return ""
    text = " ".join(strip_controls(found.group(1)).split())
    if len(text) > MAX_DESCRIPTION_CHARS:
        text = text[: MAX_DESCRIPTION_CHARS - 1].rstrip() + "…"
    return text


def _read_template(path: Path) -> str:
    try:
        data = read_regular(path, MAX_TEMPLATE_BYTES, "template")
    except FileRefused as exc:
        raise TemplateProblem(f"cannot read template {exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateProblem(f"{path}: cannot read template: {exc.reason}") from None


class _Worker:
    """One long-lived child process that renders user templates, one request at a time.

    Started on first use. A render that takes longer than RENDER_SECONDS, or a child that dies
    (memory limit, CPU limit), kills it; the next render starts a fresh one.
    """

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        # Templates that ran out of time or memory, by (file, source): not run again until they
        # are edited, so a looping template costs one wait, not one per keystroke.
        self._failed: dict[tuple[str, str], str] = {}

    def _start(self) -> subprocess.Popen[bytes]:
        import subprocess

        from tui.core import template_worker

        return subprocess.Popen(
            [sys.executable, "-I", template_worker.__file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # no Ctrl-C from the terminal, never the terminal itself
        )

    def render(self, source: str, filename: str, context: Mapping[str, Any]) -> str:
        known = self._failed.get((filename, source))
        if known is not None:
            raise TemplateProblem(known)
        request: dict[str, Any] = {"source": source, "filename": filename}
        request.update(context=dict(context), seconds=RENDER_SECONDS)
        # One render at a time; a caller that cannot get its turn within the deadline gives up,
        # so waiting threads never pile up behind a slow template.
        if not self._lock.acquire(timeout=RENDER_SECONDS):
            raise TemplateProblem(f"{filename}: another render of a template is still running")
        try:
            return self._render_locked(request, filename, source)
        finally:
            self._lock.release()

    def _render_locked(self, request: dict[str, Any], filename: str, source: str) -> str:
        import select

        from tui.core.template_worker import read_exactly, write_frame

        process = self._process
        deadline = time.monotonic() + STARTUP_SECONDS

        def read(size: int) -> bytes:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            return os.read(fd, size)

        def read_frame() -> bytes | None:
            header = read_exactly(read, 4)
            return None if header is None else read_exactly(read, int.from_bytes(header, "big"))

        rendering = False
        try:
            if process is None or process.poll() is not None:
                process = self._process = self._start()
                assert process.stdout is not None
                fd = process.stdout.fileno()
                # Starting Python and jinja2 does not count against the template's time.
                if read_frame() is None:
                    raise OSError("the template process did not start")
            assert process.stdin is not None and process.stdout is not None
            fd = process.stdout.fileno()
            deadline = time.monotonic() + RENDER_SECONDS
            rendering = True
            write_frame(process.stdin, request)
            body = read_frame()
        except TimeoutError:
            self._kill()
            if not rendering:  # this machine was too slow to start it: not the template's fault
                raise TemplateProblem(
                    f"{filename}: the template process did not start in {STARTUP_SECONDS:g} s"
                ) from None
            problem = f"{filename}: stopped after {RENDER_SECONDS:g} s (a template must end sooner)"
            self._failed[(filename, source)] = problem
            raise TemplateProblem(problem) from None
        except OSError:
            body = None
        if body is None:
            self._kill()
            if not rendering:
                raise TemplateProblem(f"{filename}: the template process did not start")
            problem = f"{filename}: the template's process ended (over its memory or CPU limit)"
            self._failed[(filename, source)] = problem
            raise TemplateProblem(problem)
        import json

        reply = json.loads(body)
        if "error" in reply:
            raise TemplateProblem(str(reply["error"]))
        return str(reply["text"])

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._kill()


_WORKERS: list[_Worker] = []


def _worker() -> _Worker:
    """The one worker, made on first use: `render` with a built-in template never needs it."""
    if not _WORKERS:
        import atexit

        worker = _Worker()
        _WORKERS.append(worker)
        atexit.register(worker.close)
    return _WORKERS[0]


def stop_rendering() -> None:
    """Kill a user template's render under way (on quit): no render outlives the app."""
    for worker in _WORKERS:
        worker.close()
