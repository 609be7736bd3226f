"""The installed `incident-tui` command, driven as a user or a script drives it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SESSION = '''schema_version = 1
title = "Checkout returns 500 after the 14:05 deploy"
severity = "SEV1"
started_at = "2026-11-29 14:07 UTC"

[fields]
incident_summary = "Checkout API returns HTTP 500 for ~30% of requests. {{ 7*7 }}"
error_logs = """
Traceback (most recent call last):
  File "checkout/views.py", line 88, in pay
KeyError: 'currency'
"""
'''


def run(
    command: str, *args: str, env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [command, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def saved(home: Path) -> Path:
    sessions = home / "sessions"
    sessions.mkdir(parents=True)
    path = sessions / "20261129-1412-checkout.toml"
    path.write_text(SESSION, encoding="utf-8")
    return path


def test_render_prints_the_prompt_from_any_directory(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    result = run(installed_command, "render", "20261129-1412-checkout", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("You are an expert senior software engineer")
    assert (
        "Incident summary: Checkout API returns HTTP 500 for ~30% of requests. {{ 7*7 }}\n" in out
    )
    assert "KeyError: 'currency'\n```\n" in out
    assert "Severity: SEV1" in out
    assert out.rstrip().endswith(
        "Begin the production incident root cause and hotfix planning now."
    )
    assert result.stderr == ""


def test_render_by_path_to_a_file_is_private(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    target = tmp_path / "prompt.md"
    result = run(
        installed_command, "render", str(saved), "--output", str(target), env=cli_env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert str(target) in result.stderr
    assert "Checkout API returns HTTP 500" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_render_trims_to_max_tokens_and_says_so(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    log = "\n".join(f"line {i} ERROR upstream timeout" for i in range(50_000))
    saved.write_text(SESSION + f'monitoring = """\n{log}\n"""\n', encoding="utf-8")
    result = run(
        installed_command, "render", str(saved), "--max-tokens", "3000", env=cli_env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "left out" in result.stdout
    assert "Monitoring or alert data trimmed to fit 3,000 tokens" in result.stderr
    # The prompt's fixed text is English prose, about 4.7 bytes a token (tests/test_tokens.py).
    assert len(result.stdout) < 3000 * 5


def test_list_shows_saved_incidents(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    result = run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["ID", "SEV", "STATUS", "UPDATED", "UNKNOWN", "TITLE"]
    assert row.startswith("20261129-1412-checkout  SEV1     investigating")
    assert row.endswith("Checkout returns 500 after the 14:05 deploy")
    assert " 13  " in row  # 15 prompt fields and the start time, less the three filled in


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "no-such-incident"], "no such session"),
        (["render", "broken"], "not valid TOML"),
        (["render", "20261129-1412-checkout", "--template", "nope"], "no template named 'nope'"),
        (["render"], "the following arguments are required: SESSION"),
        (["frobnicate"], "invalid choice"),
        (["resume", "no-such-incident"], "wizard needs a terminal"),
    ],
)
def test_errors_are_one_line_without_a_traceback(
    installed_command: str,
    cli_env: dict[str, str],
    saved: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    (saved.parent / "broken.toml").write_text("title = [\n", encoding="utf-8")
    result = run(installed_command, *args, env=cli_env, cwd=tmp_path)
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("incident-tui: error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_templates_come_from_the_installed_package(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    result = run(installed_command, "templates", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split(maxsplit=2) for line in result.stdout.splitlines()]
    assert [row[0] for row in rows] == [
        "follow-up",
        "handoff",
        "incident-response",
        "postmortem",
        "status-update",
        "triage",
    ]
    assert all(row[1] == "built-in" and len(row[2]) > 40 for row in rows)
    assert rows[2][2].startswith("The full planner: root causes")


def test_version(installed_command: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    from tui import __version__

    result = run(installed_command, "--version", env=cli_env, cwd=tmp_path)
    assert result.stdout.strip() == f"incident-tui {__version__}"


def probe_stderr(code: str, env: dict[str, str], cwd: Path) -> str:
    """What `python -c code` prints to stderr, run in a fresh interpreter (imports are checked)."""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    return result.stderr


@pytest.mark.parametrize(
    "args",
    [["render", "20261129-1412-checkout"], ["list"], ["templates"], ["--version"], ["fields"]],
)
def test_commands_without_a_ui_do_not_import_textual(
    cli_env: dict[str, str], saved: Path, tmp_path: Path, args: list[str]
) -> None:
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print('IMPORTED:', heavy, file=sys.stderr)\n"
    )
    assert "IMPORTED: []" in probe_stderr(probe, cli_env, tmp_path)


def test_list_with_its_index_up_to_date_imports_only_what_a_listing_needs(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    """`list` among 10,000 incidents has a budget: with the summary index up to date it reads no
    session file, so it must not pay for the model, the TOML parser, templates, the secret
    scanner or the other commands' modules."""
    hour_ago = saved.stat().st_mtime_ns - 3600 * 10**9
    os.utime(saved, ns=(hour_ago, hour_ago))  # older than the index's "racily clean" window
    first = run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert first.returncode == 0 and "20261129-1412-checkout" in first.stdout, first.stderr
    unneeded = [
        "argparse",
        "jinja2",
        "shutil",
        "tomllib",
        "tui.cli_gather",
        "tui.cli_loop",
        "tui.core.model",
        "tui.core.redact",
        "tui.core.sessionfile",
    ]
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        "status = main(['list'])\n"
        f"print('IMPORTED:', status, sorted(m for m in {unneeded!r} if m in sys.modules), "
        "file=sys.stderr)\n"
    )
    assert "IMPORTED: 0 []" in probe_stderr(probe, cli_env, tmp_path)


LEAKY = SESSION + (
    'monitoring = """\n'
    "curl -H 'Authorization: Bearer ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789' https://api\n"
    "DATABASE_URL=postgres://app:hunter2-prod@db.internal:5432/shop\n"
    "retry with ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 again\n"
    "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 commit 9fceb02d0ae598e95dc970b74767f19372d61af8\n"
    '"""\n'
)


def test_render_masks_secrets_by_default_with_stable_labels(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    saved.write_text(LEAKY, encoding="utf-8")
    result = run(installed_command, "render", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" not in out
    assert "hunter2-prod" not in out
    assert out.count("[REDACTED:github-token#1]") == 2
    assert "postgres://app:[REDACTED:url-password#1]@db.internal:5432/shop" in out
    # What the agent needs to debug survives.
    assert "4bf92f3577b34da6a3ce929d0e0e4736" in out
    assert "9fceb02d0ae598e95dc970b74767f19372d61af8" in out
    assert "masked 3 secrets" in result.stderr
    # The file still holds exactly what was typed.
    assert "hunter2-prod" in saved.read_text(encoding="utf-8")


def test_render_no_redact_says_so(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    saved.write_text(LEAKY, encoding="utf-8")
    result = run(installed_command, "render", str(saved), "--no-redact", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "hunter2-prod" in result.stdout
    assert "secrets are NOT masked" in result.stderr


def test_a_value_unmasked_in_the_session_stays_visible(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    from tui.core.redact import fingerprint

    saved.write_text(
        LEAKY + f'\n[masking]\nunmasked = ["{fingerprint("hunter2-prod")}"]\n', encoding="utf-8"
    )
    result = run(installed_command, "render", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "postgres://app:hunter2-prod@db.internal" in result.stdout
    assert "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789" not in result.stdout


def test_a_broken_user_template_still_renders_with_a_warning(
    installed_command: str, cli_env: dict[str, str], saved: Path, home: Path, tmp_path: Path
) -> None:
    (home / "templates").mkdir()
    (home / "templates" / "incident-response.md.j2").write_text("line 1\n{{ oops( }}\n")
    result = run(installed_command, "render", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("You are an expert senior software engineer")
    assert "incident-response.md.j2:2: " in result.stderr
    assert "rendered with the built-in template instead" in result.stderr
    named = run(
        installed_command,
        "render",
        str(saved),
        "--template",
        "incident-response",
        env=cli_env,
        cwd=tmp_path,
    )
    assert named.returncode == 1
    assert "incident-response.md.j2:2: " in named.stderr


def test_the_terminal_ui_leaves_what_its_first_frame_does_not_need_unimported(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    # Start-up budget: the first frame of `incident-tui new` renders no prompt, reads no file
    # and shows no dialog, help, list of incidents, step of lists, Checklist or Review; what
    # those need is imported when first used.
    later = [
        "jinja2",
        "tomllib",
        "tui.core.checklist",
        "tui.ui.screens.dialogs",
        "tui.ui.screens.help",
        "tui.ui.screens.picker",
        "tui.ui.screens.review",
        "tui.ui.screens.template_chooser",
        "tui.ui.widgets.checklist",
        "tui.ui.widgets.checklist_step",
        "tui.ui.widgets.item_list",
        "tui.ui.widgets.item_row",
        "tui.ui.widgets.list_step",
        "tui.core.prompt",
        "tui.core.redact",
        "json",
        "shlex",
    ]
    probe = (
        "import sys\n"
        "import tui.cli, tui.ui.app\n"
        f"print('IMPORTED:', sorted(m for m in {later!r} if m in sys.modules), file=sys.stderr)\n"
    )
    assert "IMPORTED: []" in probe_stderr(probe, cli_env, tmp_path)


def test_the_way_to_the_first_frame_compiles_no_pattern_only_later_work_uses(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Start-up: the prompt's cleaning (escape sequences, controls to drop) and the config
    file's line finder compiled their patterns at import, each a fraction of a millisecond; the
    first frame strips no text, and with no config file there is nothing to find."""
    probe = (
        "import re, sys\n"
        "compiled = []\n"
        "original = re.compile\n"
        "def compile(pattern, flags=0):\n"
        "    compiled.append(getattr(pattern, 'pattern', pattern))\n"
        "    return original(pattern, flags)\n"
        "re.compile = compile\n"
        "import tui.cli, tui.ui.app\n"
        "from tui.core import config, sanitize\n"
        "later = [sanitize._ESCAPE_SEQUENCE, sanitize._DROP, config._HEADER, config._KEY,\n"
        "         config._TOML_LINE]\n"
        "names = [getattr(p, 'pattern', p) for p in later]\n"
        "print('COMPILED:', sum(p in compiled for p in names), file=sys.stderr)\n"
    )
    assert "COMPILED: 0" in probe_stderr(probe, cli_env, tmp_path)


def test_the_way_to_the_first_frame_creates_no_frozen_dataclass(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Start-up: creating a frozen dataclass runs the code it generates for six methods, about
    4 M instructions each; the value types the terminal UI imports are NamedTuples. The story's
    input stays one: its default is the moment it is made."""
    probe = (
        "import dataclasses, sys\n"
        "import tui.cli, tui.ui.app, tui.ui.screens.wizard\n"
        "found = sorted(\n"
        "    f'{m.__name__}.{name}' for m in list(sys.modules.values())\n"
        "    if m.__name__.startswith('tui')\n"
        "    for name, obj in vars(m).items()\n"
        "    if isinstance(obj, type) and obj.__module__ == m.__name__\n"
        "    and dataclasses.is_dataclass(obj) and obj.__dataclass_params__.frozen\n"
        ")\n"
        "print('FROZEN:', found, file=sys.stderr)\n"
    )
    assert "FROZEN: ['tui.core.story.StoryInput']" in probe_stderr(probe, cli_env, tmp_path)


@pytest.mark.parametrize("args", [["new"], ["new", "--title", "Checkout down"], []])
def test_the_way_to_the_terminal_ui_imports_no_profile_reader_when_there_is_no_profile(
    cli_env: dict[str, str], tmp_path: Path, args: list[str]
) -> None:
    """Everything `incident-tui new` does before the app starts, with no .incident-tui.toml
    about: looking for a profile must not import the TOML parser, the profiles' reader or
    argparse (each came before the first frame)."""
    later = ["argparse", "tomllib", "tui.core.profiles", "tui.core.runcmd"]
    probe = (
        "import io, sys\n"
        "import tui.cli, tui.ui.app\n"
        "class Tty(io.StringIO):\n"
        "    def isatty(self): return True\n"
        "def run_tui(*args, **kwargs):\n"
        f"    found = sorted(m for m in {later!r} if m in sys.modules)\n"
        "    print('IMPORTED:', found, kwargs['start'], file=sys.stderr)\n"
        "    return 0\n"
        "tui.ui.app.run_tui = run_tui\n"
        "sys.stdin = sys.stdout = Tty()\n"
        f"tui.cli.main({args!r})\n"
    )
    start = args[0] if args else "picker"
    assert f"IMPORTED: [] {start}" in probe_stderr(probe, cli_env, tmp_path)


# --- hostile files (issue 9, items 5, 6, 7, 10; issue 10, item 9) ------------------------------


def limited_run(
    command: str, *args: str, env: dict[str, str], cwd: Path, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """run(), with 1 GiB of address space: a read of /dev/zero fails fast instead of eating RAM."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [command, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        preexec_fn=limit,
    )


def test_list_shows_the_good_sessions_beside_a_fifo_dev_zero_and_broken_files(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    sessions = saved.parent
    os.mkfifo(sessions / "x.toml")
    (sessions / "zero.toml").symlink_to("/dev/zero")
    (sessions / "loop.toml").symlink_to(sessions / "loop.toml")
    (sessions / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    (sessions / "late.toml").write_text("updated_at = 9999-12-31T23:59:59-12:00\n")
    result = limited_run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "20261129-1412-checkout" in result.stdout
    for name in ("x", "zero", "loop", "deep", "late"):
        assert f"skipped {sessions / name}.toml: " in result.stderr, name
    assert "Traceback" not in result.stderr


def test_a_fifo_session_is_refused_at_once(
    installed_command: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "x.toml"
    os.mkfifo(fifo)
    result = limited_run(installed_command, "render", str(fifo), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("incident-tui: error: ")
    assert str(fifo) in result.stderr and "FIFO" in result.stderr


def test_render_output_writes_into_a_fifo_and_a_device_without_replacing_them(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run(
        installed_command, "render", str(saved), "-o", str(fifo), env=cli_env, cwd=tmp_path
    )
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b"Checkout API returns HTTP 500" in received[0]
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    result = run(
        installed_command, "render", str(saved), "-o", str(null), env=cli_env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_render_output_to_dev_stdout_goes_to_the_pipe(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    # A link made like /dev/stdout, so that a regression replaces this one and not the system's.
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    result = run(
        installed_command, "render", str(saved), "-o", str(stdout), env=cli_env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Checkout API returns HTTP 500" in result.stdout
    assert stdout.is_symlink()


@pytest.mark.parametrize("target", ["the-session", "in-sessions-dir", "symlink-to-a-file"])
def test_render_output_refuses_session_files_and_links_to_files(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path, target: str
) -> None:
    victim = tmp_path / "bashrc"
    victim.write_text("export PATH=/usr/bin\n")
    before = saved.read_bytes()
    if target == "the-session":
        out = saved
    elif target == "in-sessions-dir":
        out = saved.parent / "prompt.md"
    else:
        out = tmp_path / "prompt.md"
        out.symlink_to(victim)
    result = run(installed_command, "render", str(saved), "-o", str(out), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("incident-tui: error: ") and result.stderr.count("\n") == 1
    assert saved.read_bytes() == before
    assert victim.read_text() == "export PATH=/usr/bin\n"
    if target == "in-sessions-dir":
        assert not out.exists()
    if target == "symlink-to-a-file":
        assert out.is_symlink()


def test_list_refuses_a_world_writable_home(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    home = saved.parent.parent
    os.chmod(home, 0o777)
    result = run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and str(home) in result.stderr
    assert "writable by group or others" in result.stderr
    assert result.stdout == ""


def test_names_from_files_reach_the_terminal_without_raw_escapes(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    sessions = saved.parent
    (sessions / "evil\x1b]2;owned\x07.toml").write_text(SESSION, encoding="utf-8")
    (sessions / "broken\x1b[2J.toml").write_text("title = [\n", encoding="utf-8")
    templates = sessions.parent / "templates"
    templates.mkdir(mode=0o700)
    (templates / "t\x1b[31m.md.j2").write_text("{{ incident_summary }}\n")
    listed = run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "evil␛]2;owned␇" in listed.stdout and "broken␛[2J" in listed.stderr
    shown = run(installed_command, "templates", env=cli_env, cwd=tmp_path)
    assert "t␛[31m" in shown.stdout
    out = tmp_path / "out\x1b[2J.md"
    rendered = run(
        installed_command, "render", str(saved), "-o", str(out), env=cli_env, cwd=tmp_path
    )
    assert rendered.returncode == 0, rendered.stderr
    assert "out␛[2J.md" in rendered.stderr
    for result in (listed, shown, rendered):
        assert "\x1b" not in result.stdout + result.stderr
        assert "\x07" not in result.stdout + result.stderr


def test_list_fits_the_terminal_width(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    long_title = SESSION.replace(
        "Checkout returns 500 after the 14:05 deploy", "A very long title " * 8
    )
    saved.write_text(long_title, encoding="utf-8")
    # 100 columns: the status column leaves an 80-column terminal only a few for the title.
    result = run(installed_command, "list", env={**cli_env, "COLUMNS": "100"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert all(len(line) <= 100 for line in lines), lines
    assert lines[1].endswith("…") and "A very long title" in lines[1]
    piped = run(installed_command, "list", env=cli_env, cwd=tmp_path)
    assert ("A very long title " * 8).strip() in piped.stdout  # a pipe gets the whole title
