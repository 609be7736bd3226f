"""Service profiles: reading them strictly, trusting their commands, running them with limits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.core.model import Session
from tui.core.profiles import (
    GatherCommand,
    NotTrusted,
    ProfileError,
    TrustStore,
    add_block,
    find_profile,
    load_profile,
    prefill,
    run_command,
)

WHEN = datetime(2026, 11, 29, 14, 20, tzinfo=UTC)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".incident-tui.toml"
    path.write_text(text, encoding="utf-8")
    return path


def private_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    home.chmod(0o700)
    return home


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('environment = "prod"\nproject_context = [1\n', 2, "not valid TOML"),
        ('environment = "prod"\nproject_context = "open\nx = 1\n', 2, "not valid TOML"),
        ('environment = "prod"\n\nowner = "team-a"\n', 3, "unknown key 'owner'"),
        ('[[gather]]\nname = "x"\nargv = "kubectl logs"\ninto = "error_logs"\n', 3, "argv"),
        ('[[gather]]\nname = "x"\nargv = ["ls"]\ninto = "nowhere"\n', 4, "into must be"),
        ('[[gather]]\nname = "x"\nargv = ["ls"]\ninto = "error_logs"\nshell = true\n', 5, "shell"),
        ('[[gather]]\nname = "x"\nargv = ["ls"]\ninto = "error_logs"\ntimeout = 0\n', 5, "timeout"),
        ("environment = 3\n", 1, "must be text"),
    ],
)
def test_a_bad_profile_names_its_file_and_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ")
    assert says in message and "profile ignored" in message
    assert "\n" not in message


def test_a_profile_is_found_upward_and_prefills_only_blank_fields(tmp_path: Path) -> None:
    write(tmp_path, 'environment = "prod eu-west-1"\nrollback_options = "argocd rollback"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    found = find_profile(deep)
    assert found == tmp_path / ".incident-tui.toml"
    session = Session(id="x")
    session.set("environment", "staging")
    assert prefill(session, load_profile(found)) == ["rollback_options"]
    assert session.get("environment") == "staging"
    assert session.get("rollback_options") == "argocd rollback"


def test_a_profile_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / ".incident-tui.toml")
    with pytest.raises(ProfileError, match="not a regular file"):
        load_profile(tmp_path / ".incident-tui.toml")


def _command(tmp_path: Path, argv: list[str], **limits: float) -> tuple[Path, GatherCommand]:
    path = write(tmp_path, "")
    return path, GatherCommand("c", tuple(argv), "error_logs", **limits)  # type: ignore[arg-type]


def test_an_untrusted_command_never_runs_and_a_changed_one_asks_again(tmp_path: Path) -> None:
    from tui.core.profiles import Profile

    marker = tmp_path / "ran"
    path, command = _command(tmp_path, ["touch", str(marker)])
    profile = Profile(path, {}, (command,))
    trust = TrustStore(private_home(tmp_path))
    with pytest.raises(NotTrusted):
        run_command(profile, command, trust, WHEN)
    assert not marker.exists()
    trust.trust(path, command)
    block = run_command(profile, command, trust, WHEN)
    assert marker.exists()
    assert block.startswith(f"--- $ touch {marker}  (2026-11-29 14:20 UTC, exit status 0) ---")
    changed = GatherCommand("c", ("touch", str(marker), str(tmp_path / "other")), "error_logs")
    assert not trust.is_trusted(path, changed)
    # The same argv from another profile file is another agreement.
    assert not trust.is_trusted(tmp_path / "elsewhere.toml", command)


def test_a_command_past_its_timeout_is_stopped_and_says_so(tmp_path: Path) -> None:
    from tui.core.profiles import Profile

    path, command = _command(tmp_path, ["sh", "-c", "echo started; sleep 30"], timeout=0.5)
    trust = TrustStore(private_home(tmp_path))
    trust.trust(path, command)
    block = run_command(Profile(path, {}, (command,)), command, trust, WHEN)
    assert "stopped after 0.5 s" in block.splitlines()[0]
    assert "started" in block


def test_output_past_max_bytes_is_cut_and_marked(tmp_path: Path) -> None:
    from tui.core.profiles import Profile

    path, command = _command(tmp_path, ["yes", "log line"], max_bytes=1000)
    trust = TrustStore(private_home(tmp_path))
    trust.trust(path, command)
    block = run_command(Profile(path, {}, (command,)), command, trust, WHEN)
    body = block.split("\n", 1)[1]
    assert body.endswith("[output cut at 1,000 bytes]")
    assert len(body) < 1100


def test_output_escapes_are_stripped_and_the_shown_argv_hides_nothing(tmp_path: Path) -> None:
    from tui.core.profiles import Profile

    path, command = _command(tmp_path, ["printf", "\x1b]52;c;ZXZpbA==\x07ok\\n", "\u202eevil"])
    assert "\x1b" not in command.shown and "\u202e" not in command.shown
    assert "␛]52" in command.shown
    trust = TrustStore(private_home(tmp_path))
    trust.trust(path, command)
    block = run_command(Profile(path, {}, (command,)), command, trust, WHEN)
    assert block.split("\n", 1)[1] == "ok"


def test_a_missing_program_is_one_line(tmp_path: Path) -> None:
    from tui.core.profiles import Profile

    path, command = _command(tmp_path, ["no-such-program-xyz"])
    trust = TrustStore(private_home(tmp_path))
    trust.trust(path, command)
    with pytest.raises(ProfileError, match="cannot run no-such-program-xyz"):
        run_command(Profile(path, {}, (command,)), command, trust, WHEN)


def test_the_trust_file_is_private_and_a_symlink_there_is_refused(tmp_path: Path) -> None:
    path, command = _command(tmp_path, ["true"])
    home = private_home(tmp_path)
    planted = tmp_path / "planted"
    planted.write_text("")
    (home / "trusted-commands").symlink_to(planted)
    trust = TrustStore(home)
    with pytest.raises(ProfileError, match="symlink"):
        trust.is_trusted(path, command)


def test_a_block_goes_below_what_the_field_holds() -> None:
    session = Session(id="x")
    session.set("error_logs", "typed by hand")
    add_block(session, "error_logs", "--- $ kubectl logs ---\nline")
    assert session.get("error_logs") == "typed by hand\n\n--- $ kubectl logs ---\nline"


def test_the_readme_profile_example_is_a_valid_profile(tmp_path: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Gather", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    profile = load_profile(write(tmp_path, example))
    assert len(profile.values) == 7
    logs = profile.command("logs")
    assert logs.argv[:2] == ("kubectl", "logs") and logs.into == "error_logs"
    assert logs.timeout == 30 and logs.max_bytes == 2_000_000


def test_a_mistake_in_a_later_gather_command_names_that_commands_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[gather]]\nname = "a"\nargv = ["ls"]\ninto = "error_logs"\n\n'
        '[[gather]]\nname = "b"\nargv = ["ls"]\ninto = "nowhere"\n\n'
        '[[gather]]\nname = "a"\nargv = ["ls"]\ninto = "error_logs"\n',
    )
    with pytest.raises(ProfileError, match=rf"^{path}:9: b: into must be"):
        load_profile(path)
    path.write_text(path.read_text().replace('"nowhere"', '"monitoring"'))
    with pytest.raises(ProfileError, match=rf"^{path}:12: two gather commands are named 'a'"):
        load_profile(path)
