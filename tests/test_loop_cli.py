"""`send`, `answer` and `export` through the installed command, with a stand-in agent: a small
Python script that reads the prompt on stdin and prints a canned answer in the seed's format."""

from __future__ import annotations

import os
import select
import signal
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from test_cli import SESSION, run

from tui.core.session import SessionStore

SECRET = "hunter2-prod-Zx81"
ANSWER = """## Incident Summary
Checkout is down.

## Investigation Checklist
- Check the error rate on checkout-api
- [ ] Compare the currency cache before and after 14:05

## Rollback Plan
- Roll back to 4.2.0

## Verification Steps
- Run the smoke tests
"""

AGENT = r"""
import os, sys, time
prompt = sys.stdin.read()
out = os.environ["FAKE_AGENT_DIR"]
with open(os.path.join(out, "prompt.txt"), "w") as f:
    f.write(prompt)
with open(os.path.join(out, "pid"), "w") as f:
    f.write(str(os.getpid()))
mode = sys.argv[1]
if mode == "answer":
    print("## Incident Summary\n\x1b]52;c;b3duZWQ=\x07Checkout is down.", flush=True)
    while not os.path.exists(os.path.join(out, "go")):  # the test reads the line first
        time.sleep(0.05)
    rest = open(os.path.join(out, "answer.md")).read().split("Checkout is down.\n", 1)[1]
    sys.stdout.write(rest)
    print("thinking...", file=sys.stderr)
elif mode == "hang":
    print("## Investigation Checklist\n- Check the first thing", flush=True)
    time.sleep(120)
    print("- never written", flush=True)
elif mode == "stubborn":
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends it
    print("## Rollback Plan\n- Roll back to 4.2.0", flush=True)
    time.sleep(120)
elif mode == "flood":
    line = "- spam " + "x" * 1000 + "\n"
    while True:
        sys.stdout.write(line)
elif mode == "fail":
    print("## Rollback Plan\n- Roll back half way", flush=True)
    sys.exit(3)
"""


@pytest.fixture
def saved(home: Path) -> Path:
    sessions = home / "sessions"
    sessions.mkdir(parents=True, mode=0o700)
    home.chmod(0o700)
    path = sessions / "20261129-1412-checkout.toml"
    text = SESSION.replace("KeyError: 'currency'", f"KeyError: 'currency'\npassword={SECRET}")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def agent(home: Path, tmp_path: Path, cli_env: dict[str, str]) -> Path:
    """The stand-in agent, configured as `[agent] command`; returns its work directory."""
    work = tmp_path / "agent"
    work.mkdir()
    script = work / "fake_agent.py"
    script.write_text(AGENT, encoding="utf-8")
    (work / "answer.md").write_text(ANSWER, encoding="utf-8")
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = home / "config.toml"
    config.write_text(
        f'[agent]\ncommand = ["{sys.executable}", "{script}", "answer"]\n', encoding="utf-8"
    )
    config.chmod(0o600)
    cli_env["FAKE_AGENT_DIR"] = str(work)
    return work


def set_mode(home: Path, mode: str) -> None:
    config = home / "config.toml"
    config.write_text(config.read_text().replace('"answer"]', f'"{mode}"]'))


def stored(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_send_streams_the_answer_and_stores_it_with_its_checklist(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        [installed_command, "send", "20261129-1412-checkout"],
        env=cli_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        # The first line is on our stdout while the agent is still running: streamed.
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "nothing streamed within 30 s"
        first = process.stdout.readline()
        assert first == b"## Incident Summary\n"
        assert process.poll() is None
        (agent / "go").touch()
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    shown = first + out
    assert b"\x1b" not in shown and b"\x07" not in shown  # the OSC 52 never reached the terminal
    assert b"- Roll back to 4.2.0" in shown
    assert b"thinking..." in err and b"4 new checklist items" in err
    prompt = (agent / "prompt.txt").read_text()
    assert "KeyError: 'currency'" in prompt and SECRET not in prompt  # masked before it left
    data = stored(saved)
    [answer] = data["answers"]  # type: ignore[misc]
    assert answer["partial"] is False and answer["template"] == "incident-response"
    assert answer["text"].startswith("## Incident Summary\nCheckout is down.")
    checklist = data["checklist"]
    assert [(c["section"], c["text"], c["state"]) for c in checklist] == [  # type: ignore[attr-defined]
        ("Investigation Checklist", "Check the error rate on checkout-api", "todo"),
        ("Investigation Checklist", "Compare the currency cache before and after 14:05", "todo"),
        ("Rollback Plan", "Roll back to 4.2.0", "todo"),
        ("Verification Steps", "Run the smoke tests", "todo"),
    ]
    follow_up = run(
        installed_command,
        "render",
        str(saved),
        "--template",
        "follow-up",
        env=cli_env,
        cwd=tmp_path,
    )
    assert "Still to do:\n- Investigation Checklist: Check the error rate" in follow_up.stdout


def test_ctrl_c_stops_the_agent_group_and_keeps_a_partial_answer(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    set_mode(saved.parent.parent, "hang")
    process = subprocess.Popen(
        [installed_command, "send", str(saved)],
        env=cli_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == b"## Investigation Checklist\n"
        assert process.stdout.readline() == b"- Check the first thing\n"
        started = time.monotonic()
        process.send_signal(signal.SIGINT)  # what Ctrl+C in the terminal sends us
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert time.monotonic() - started < 10
    assert b"stopped with Ctrl+C" in err and b"Traceback" not in err
    pid = int((agent / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the agent is gone, not left running
    data = stored(saved)
    [answer] = data["answers"]  # type: ignore[misc]
    assert answer["partial"] is True
    assert answer["text"] == "## Investigation Checklist\n- Check the first thing"
    assert [c["text"] for c in data["checklist"]] == ["Check the first thing"]  # type: ignore[attr-defined]


def test_an_agent_over_the_output_limit_is_stopped_and_its_answer_kept_partial(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    from tui.core.answers import MAX_ANSWER_BYTES

    set_mode(saved.parent.parent, "flood")
    result = subprocess.run(
        [installed_command, "send", str(saved)],
        env=cli_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert b"passed the limit of 1,048,576 bytes; it was stopped" in result.stderr
    [answer] = stored(saved)["answers"]  # type: ignore[misc]
    assert answer["partial"] is True
    assert MAX_ANSWER_BYTES - 2000 < len(answer["text"].encode()) <= MAX_ANSWER_BYTES


def test_an_agent_that_fails_leaves_a_partial_answer_and_a_non_zero_status(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    set_mode(saved.parent.parent, "fail")
    result = run(
        installed_command, "send", str(saved), "--template", "triage", env=cli_env, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "the agent exited with status 3" in result.stderr
    assert "## Check First" in (agent / "prompt.txt").read_text()  # the template asked for
    [answer] = stored(saved)["answers"]  # type: ignore[misc]
    assert answer["partial"] is True and answer["template"] == "triage"


def test_send_without_an_agent_command_says_how_to_set_one(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    result = run(installed_command, "send", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert '[agent] command = ["codex", "exec", "-"]' in result.stderr
    assert "config.toml" in result.stderr
    config = saved.parent.parent / "config.toml"
    config.write_text('[agent]\ncommand = "codex exec -"\n')
    config.chmod(0o600)
    result = run(installed_command, "send", str(saved), env=cli_env, cwd=tmp_path)
    assert f"{config}:2: agent: command must be a list of strings" in result.stderr
    config.write_text('[agent]\ncommand = ["/nonexistent/agent-binary"]\n')
    result = run(installed_command, "send", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot start the agent command '/nonexistent/agent-binary'" in result.stderr
    assert "answers" not in stored(saved)


def test_answer_from_a_file_or_stdin_twice_adds_no_duplicate_and_keeps_ticks(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.md"
    answer.write_text(ANSWER, encoding="utf-8")
    first = run(installed_command, "answer", str(saved), str(answer), env=cli_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "4 new checklist items" in first.stderr
    store = SessionStore(saved.parent.parent)
    session = store.load(saved)
    session.items("checklist")[2].update(state="done", at="2026-11-29 15:00")
    store.save(session)
    second = subprocess.run(
        [installed_command, "answer", str(saved), "-", "--template", "follow-up"],
        env=cli_env,
        cwd=tmp_path,
        input=ANSWER,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "0 new checklist items (4 already listed)" in second.stderr
    data = stored(saved)
    assert [a["template"] for a in data["answers"]] == ["incident-response", "follow-up"]  # type: ignore[attr-defined]
    checklist = data["checklist"]
    assert len(checklist) == 4  # type: ignore[arg-type]
    assert checklist[2]["state"] == "done" and checklist[2]["at"] == "2026-11-29 15:00"  # type: ignore[index]


def test_answer_refuses_an_oversized_file_a_fifo_and_a_terminal_in_one_line(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    before = saved.read_bytes()
    for target in (big, fifo):
        result = run(
            installed_command, "answer", str(saved), str(target), env=cli_env, cwd=tmp_path
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (
        "larger than the limit"
        in run(installed_command, "answer", str(saved), str(big), env=cli_env, cwd=tmp_path).stderr
    )
    assert saved.read_bytes() == before


def test_export_writes_the_masked_record_with_timeline_and_checklist(
    installed_command: str, cli_env: dict[str, str], saved: Path, tmp_path: Path
) -> None:
    store = SessionStore(saved.parent.parent)
    session = store.load(saved)
    session.add_item(
        "timeline", at="2026-11-29 14:15", kind="action", text="restarted pods", outcome="no change"
    )
    session.add_item("timeline", at="2026-11-29 14:07", kind="detected", text="5xx alert")
    session.add_item("hypotheses", text="cache empty", status="open", evidence="KeyError")
    from tui.core.answers import add_answer

    add_answer(session, ANSWER + f"\npassword={SECRET}\n", "incident-response", at="14:30")
    session.items("checklist")[0].update(state="failed", at="2026-11-29 14:40", note="31%")
    session.items("checklist")[1].update(state="done", at="2026-11-29 14:45")
    store.save(session)
    out = tmp_path / "record.md"
    result = run(
        installed_command,
        "export",
        str(saved),
        "--format",
        "md",
        "-o",
        str(out),
        env=cli_env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "masked 2 secrets (password ×2)" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Checkout returns 500 after the 14:05 deploy\n")
    assert SECRET not in text
    for wanted in (
        "- **Severity:** SEV1",
        "- **2026-11-29 14:07** [detected] 5xx alert\n- **2026-11-29 14:15** [action] "
        "restarted pods — outcome: no change",
        "- [open] cache empty — evidence: KeyError",
        "### Investigation Checklist\n\n- [ ] Check the error rate on checkout-api — failed at "
        "2026-11-29 14:40; note: 31%\n- [x] Compare the currency cache before and after 14:05 — "
        "done at 2026-11-29 14:45",
        "## Open unknowns\n\n- Project context",
        "## Latest agent answer",
    ):
        assert wanted in text, wanted
    plain = run(installed_command, "export", str(saved), "--no-redact", env=cli_env, cwd=tmp_path)
    assert SECRET in plain.stdout and "NOT masked" in plain.stderr
    refused = run(
        installed_command, "export", str(saved), "-o", str(saved), env=cli_env, cwd=tmp_path
    )
    assert refused.returncode == 1 and "session file" in refused.stderr


@pytest.mark.parametrize("args", [["export", "20261129-1412-checkout"], ["answer", "x", "-"]])
def test_the_new_commands_do_not_import_textual(
    cli_env: dict[str, str], saved: Path, tmp_path: Path, args: list[str]
) -> None:
    probe = (
        "import sys\n"
        "from tui.cli import main\n"
        f"main({args!r})\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'rich'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=cli_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert "HEAVY []" in result.stderr


def test_a_second_ctrl_c_while_the_agent_is_being_stopped_loses_nothing(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    set_mode(saved.parent.parent, "stubborn")
    process = subprocess.Popen(
        [installed_command, "send", str(saved)],
        env=cli_env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline() == b"## Rollback Plan\n"
        assert process.stdout.readline() == b"- Roll back to 4.2.0\n"
        process.send_signal(signal.SIGINT)
        time.sleep(1)  # it ignores SIGTERM: we are waiting to SIGKILL it
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130, err
    [answer] = stored(saved)["answers"]  # type: ignore[misc]
    assert answer["partial"] is True and answer["text"] == "## Rollback Plan\n- Roll back to 4.2.0"
    with pytest.raises(ProcessLookupError):
        os.kill(int((agent / "pid").read_text()), 0)


def test_a_line_that_never_ends_is_shown_in_pieces_not_hoarded() -> None:
    from tui.core.agent import MAX_PENDING_CHARS, _Shown

    shown: list[str] = []
    stream = _Shown(shown.append)
    for _ in range(3):
        stream.feed(b"x" * (MAX_PENDING_CHARS // 2 + 1))
    assert shown and sum(map(len, shown)) >= MAX_PENDING_CHARS
    assert "\x1b" not in "".join(shown)


def test_an_answer_that_cannot_be_stored_is_kept_in_a_private_file(
    installed_command: str, cli_env: dict[str, str], saved: Path, agent: Path, tmp_path: Path
) -> None:
    set_mode(saved.parent.parent, "fail")
    # The agent deletes the incident file under us, as a `git checkout` might.
    script = agent / "fake_agent.py"
    script.write_text(
        script.read_text().replace(
            'elif mode == "fail":', 'elif mode == "fail":\n    os.remove(sys.argv[2])'
        )
    )
    config = saved.parent.parent / "config.toml"
    config.write_text(config.read_text().replace('"fail"]', f'"fail", "{saved}"]'))
    result = run(installed_command, "send", str(saved), env=cli_env, cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the answer was not stored" in result.stderr
    [kept] = (saved.parent.parent / "exports").glob("20261129-1412-checkout.answer-*.md")
    assert kept.read_text() == "## Rollback Plan\n- Roll back half way\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert str(kept) in result.stderr
