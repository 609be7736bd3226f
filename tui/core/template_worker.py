"""The bounded Jinja sandbox, and the process that renders a user's templates in it.

A user's template is code from wherever the user got it. It runs in Jinja's immutable sandbox
with limits on what one expression may build (string and list repetition, powers, `range`) and on
how much text it may write, and it runs in a separate process, with a memory limit and a CPU
limit, that the app kills when a render takes too long. What the sandbox cannot see (a loop that
writes nothing, a filter that allocates in C) is stopped by the process limits.

This file is run as a script by path (`python -I .../template_worker.py`): it imports nothing but
the standard library and jinja2, so the child starts fast and cannot pick up modules from the
current directory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import IO, Any

from jinja2 import StrictUndefined, Template
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: The most characters a template may write, and the longest string or list one expression may
#: build. Ten times what the default budget lets into a prompt.
MAX_OUTPUT_CHARS = 2_000_000
#: The most items `range` may give (Jinja's own limit is 100,000).
MAX_RANGE = 10_000
#: A user template's process may use this much address space; MemoryError past it.
MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
_MAX_EXPONENT = 64


class TemplateLimitError(SecurityError):
    """A template went past one of the bounds above."""


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TemplateLimitError(f"range() of {len(numbers):,} items (the limit is {MAX_RANGE:,})")
    return numbers


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (nothing the template is given can be changed) with size bounds."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self) -> None:
        super().__init__(
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        self.globals["range"] = _bounded_range
        # lipsum(n) writes n paragraphs of generated text; a prompt template has no use for it.
        self.globals.pop("lipsum", None)

    def call_binop(self, context: Context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, count in ((left, right), (right, left)):
                size = _size(seq)
                if size is not None and isinstance(count, int) and size * count > MAX_OUTPUT_CHARS:
                    raise TemplateLimitError(
                        f"repetition of {size * count:,} items (the limit is {MAX_OUTPUT_CHARS:,})"
                    )
        elif operator_ == "**":
            if isinstance(right, int) and abs(right) > _MAX_EXPONENT and left not in (0, 1, -1):
                raise TemplateLimitError(f"a power of {right:,} (the limit is {_MAX_EXPONENT})")
        elif operator_ == "+":
            sizes = (_size(left), _size(right))
            if None not in sizes and sum(s for s in sizes if s) > MAX_OUTPUT_CHARS:
                raise TemplateLimitError(f"a concatenation over {MAX_OUTPUT_CHARS:,} items")
        return super().call_binop(context, operator_, left, right)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        # Methods a template may call that take a width or a count ('x'.ljust(10**9), .zfill,
        # .center, .expandtabs): no number a prompt needs is anywhere near these.
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT_CHARS:
                raise TemplateLimitError(
                    f"a call with {value:,} (the limit is {MAX_OUTPUT_CHARS:,})"
                )
        return super().call(context, obj, *args, **kwargs)


def render_bounded(template: Template, context: Mapping[str, Any]) -> str:
    """The template's output, refused once it grows past MAX_OUTPUT_CHARS."""
    parts: list[str] = []
    total = 0
    for part in template.generate(dict(context)):
        total += len(part)
        if total > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(f"output over {MAX_OUTPUT_CHARS:,} characters")
        parts.append(part)
    return "".join(parts)


def error_line(exc: BaseException, filename: str) -> str:
    """'FILE:LINE: what went wrong', the line taken from the template's own frames."""
    line: int | str = getattr(exc, "lineno", None) or "?"
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    what = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if isinstance(exc, (MemoryError, RecursionError)):
        what = f"{type(exc).__name__}: {what}" if str(exc) else type(exc).__name__
    text = " ".join(str(what).split())
    return f"{filename}:{line}: {text[:300]}"


# --- the child process -----------------------------------------------------------------------

_HEADER_SIZE = 4  # a frame: its length as 4 big-endian bytes, then that much JSON


def write_frame(stream: IO[bytes], payload: Mapping[str, Any]) -> None:
    import json  # here: the app imports this module to render built-in templates too

    data = json.dumps(payload).encode("utf-8")
    stream.write(len(data).to_bytes(_HEADER_SIZE, "big") + data)
    stream.flush()


def read_exactly(read: Callable[[int], bytes], size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _limit_resources(cpu_seconds: float) -> None:
    import resource

    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(spent + cpu_seconds) + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    # A render that outlives the app (the app was killed) is ended by the kernel: SIGXCPU.
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Render requests until stdin closes (the app quit or died): one frame in, one out."""
    import json
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    env = BoundedSandbox()
    compiled: dict[tuple[str, str], Template] = {}
    write_frame(stdout, {"ready": True})  # imports done: a render's deadline starts now
    while True:
        header = read_exactly(stdin.read, _HEADER_SIZE)
        if header is None:
            return
        body = read_exactly(stdin.read, int.from_bytes(header, "big"))
        if body is None:
            return
        request = json.loads(body)
        filename = request["filename"]
        _limit_resources(float(request["seconds"]))
        try:
            key = (filename, request["source"])
            template = compiled.get(key)
            if template is None:
                template = load_code(env, request["source"], filename)
                compiled = {key: template}  # one template at a time: memory stays flat
            reply: dict[str, Any] = {"text": render_bounded(template, request["context"])}
        except Exception as exc:  # noqa: BLE001 - every failure is one line for the app
            reply = {"error": error_line(exc, filename)}
        write_frame(stdout, reply)


def load_code(env: BoundedSandbox, source: str, filename: str) -> Template:
    # Compiled under its path, so a runtime error's traceback names the template's line.
    code = env.compile(source, name=filename.rsplit("/", 1)[-1], filename=filename)
    return env.template_class.from_code(env, code, env.make_globals(None))


if __name__ == "__main__":
    sys.setrecursionlimit(2_000)
    serve(sys.stdin.buffer, sys.stdout.buffer)
