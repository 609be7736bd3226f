"""The rendered prompt is the seed prompt, faithfully, with the user's values as inert data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seed import load_seed

from tui.core.prompt import (
    DEFAULT_MAX_TOKENS,
    TEMPLATE_SUFFIX,
    RenderedPrompt,
    TemplateLibrary,
    TemplateProblem,
    estimate_tokens,
    prompt_for,
)
from tui.core.schema import CONTEXT_FIELDS

LIBRARY = TemplateLibrary()


def render(values: dict[str, str], max_tokens: int = DEFAULT_MAX_TOKENS) -> RenderedPrompt:
    return prompt_for(values, LIBRARY, "incident-response", max_tokens=max_tokens)


def full_values() -> dict[str, str]:
    values = {f.key: f"value of {f.key}" for f in CONTEXT_FIELDS}
    values.update(severity="SEV1", started_at="14:07 UTC, maybe earlier")
    return values


def assert_in_order(text: str, pieces: list[str]) -> None:
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        assert found != -1, f"missing or out of order: {piece!r}"
        # A piece's closing newline may open the next piece's line.
        position = found + len(piece.rstrip("\n"))


def test_every_part_of_the_seed_is_there_in_order() -> None:
    seed = load_seed()
    text = render(full_values()).text
    pieces: list[str] = list(seed.role)
    pieces += [f"\n{label}: " for label in seed.labels]
    pieces.append("Important constraints:")
    pieces += [f"\n- {c}\n" for c in seed.constraints]
    pieces.append("Task:")
    for number, (sentence, bullets) in enumerate(seed.tasks, start=1):
        pieces.append(f"\n{number}. {sentence}\n")
        pieces += [f"\n   - {b}\n" for b in bullets]
    pieces.append("Output format:")
    pieces += [f"\n{h}\n" for h in seed.headings]
    pieces.append("Verification:")
    pieces += [f"\n{seed.verification[0]}\n"] + [f"\n- {v}\n" for v in seed.verification[1:]]
    pieces.append(seed.closing)
    assert_in_order(text, pieces)
    assert text.rstrip().endswith(seed.closing)
    assert len(seed.tasks) == 10 and len(seed.headings) == 11


def test_values_appear_next_to_their_labels_with_severity_and_start_at_the_top() -> None:
    text = render(full_values()).text
    for field in CONTEXT_FIELDS:
        assert f"\n{field.label}: value of {field.key}\n" in text
    assert_in_order(
        text,
        [
            "Context:\n",
            "Severity: SEV1\n",
            "Started at: 14:07 UTC, maybe earlier\n",
            "Project context: value of project_context\n",
            "Incident summary: value of incident_summary\n",
        ],
    )
    assert "Unknowns: none" in text


def test_blank_fields_are_explicit_unknowns_and_listed_together() -> None:
    values = full_values()
    values.update(monitoring="", rollback_options="  \n ", severity="unknown", started_at="")
    rendered = render(values)
    text = rendered.text
    assert "\nMonitoring or alert data: Unknown (not provided)\n" in text
    assert "\nRollback options: Unknown (not provided)\n" in text
    assert "Severity: Unknown (not provided)" in text
    unknowns = text.split("Unknowns:", 1)[1].split("Important constraints:", 1)[0]
    assert "Missing Context to Inspect" in unknowns
    listed = re.findall(r"^- (.+)$", unknowns, re.MULTILINE)
    assert sorted(listed) == sorted(
        ["Severity", "Started at", "Monitoring or alert data", "Rollback options"]
    )
    assert sorted(rendered.unknowns) == sorted(listed)


def test_an_empty_session_renders_every_context_field_as_unknown() -> None:
    rendered = render({})
    assert rendered.text.count("Unknown (not provided)") == 15 + 2
    assert len(rendered.unknowns) == 17


@pytest.mark.parametrize(
    "value",
    [
        "{{ 7*7 }}",
        "{% raw %}x{% endraw %}",
        "{{ ''.__class__.__mro__ }}",
        "[bold]red[/bold] [@click=app.quit]",
        "$HOME and ${PATH} and `whoami` and $(id)",
        "{# comment #}",
    ],
)
def test_values_are_data_never_template_source(value: str) -> None:
    values = full_values()
    values["incident_summary"] = value
    text = render(values).text
    assert f"Incident summary: {value}\n" in text
    assert "49" not in text.split("Important constraints:")[0]


def test_a_multiline_value_is_fenced_longer_than_any_backtick_run_inside() -> None:
    values = full_values()
    log = "Traceback:\n```python\nraise KeyError\n```\nand ````` five"
    values["error_logs"] = log
    text = render(values).text
    assert f"Error messages or logs:\n``````\n{log}\n``````\n" in text


def test_escape_sequences_and_control_characters_never_reach_the_prompt() -> None:
    values = full_values()
    values["error_logs"] = (
        "\x1b[31mERROR\x1b[0m boom\n\x1b]52;c;aGFja2Vk\x07\x1b]2;pwned\x1b\\\nNUL\x00here\ttab"
    )
    text = render(values).text
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text
    assert "ERROR boom\n" in text
    assert "NULhere\ttab" in text


def test_an_oversized_log_is_trimmed_to_the_budget_with_an_exact_marker() -> None:
    lines = [f"2026-11-29T14:07:{i % 60:02d}Z ERROR request {i} failed" for i in range(20_000)]
    values = full_values()
    values["error_logs"] = "\n".join(lines)
    values["digest"] = "false"  # the trim alone (a digest would collapse these lines first)
    rendered = render(values, max_tokens=4_000)
    assert rendered.tokens <= 4_000
    assert rendered.tokens == estimate_tokens(rendered.text)
    assert [t.key for t in rendered.trims] == ["error_logs"]
    trim = rendered.trims[0]
    match = re.search(r"left out ([\d,]+) lines, ([\d,]+) bytes here", rendered.text)
    assert match is not None
    assert int(match.group(1).replace(",", "")) == trim.lines
    assert int(match.group(2).replace(",", "")) == trim.bytes
    # The head and the tail survive, whole lines only, and exactly the cut lines are missing.
    assert lines[0] + "\n" in rendered.text
    assert rendered.text.count(lines[-1]) == 1
    kept = [line for line in lines if f"\n{line}\n" in rendered.text or line == lines[0]]
    assert len(kept) + trim.lines == len(lines)
    assert "shortened to fit" in rendered.text
    # The other values are small and kept whole.
    assert "Incident summary: value of incident_summary\n" in rendered.text


def test_a_single_huge_line_is_trimmed_too() -> None:
    values = full_values()
    values["error_logs"] = "x" * 1_000_000 + "\nlast line"
    rendered = render(values, max_tokens=2_000)
    assert rendered.tokens <= 2_000
    assert "bytes of one line" in rendered.text or "lines," in rendered.text


def test_a_prompt_within_budget_is_not_trimmed() -> None:
    rendered = render(full_values())
    assert rendered.trims == ()
    assert "shortened to fit" not in rendered.text
    assert rendered.chars == len(rendered.text)


def test_user_templates_win_and_run_sandboxed(tmp_path: Path) -> None:
    (tmp_path / "incident-response.md.j2").write_text("mine: {{ values.incident_summary }}\n")
    (tmp_path / "evil.md.j2").write_text("line 1\n{{ ''.__class__.__mro__[1].__subclasses__() }}")
    library = TemplateLibrary(tmp_path)
    names = {t.name: t.origin for t in library.available()}
    assert names["incident-response"] == "user"
    rendered = prompt_for({"incident_summary": "hi"}, library, "incident-response")
    assert rendered.text == "mine: hi\n"
    with pytest.raises(TemplateProblem, match=r"evil\.md\.j2:2: .*unsafe"):
        prompt_for({}, library, "evil", fallback=False)


def test_a_broken_template_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.md.j2").write_text("line one\n{% for x in %}\n")
    with pytest.raises(TemplateProblem, match=r"broken\.md\.j2:2: "):
        prompt_for({}, TemplateLibrary(tmp_path), "broken", fallback=False)
    (tmp_path / "typo.md.j2").write_text("{{ no_such_variable }}")
    with pytest.raises(TemplateProblem, match=r"typo\.md\.j2:1: 'no_such_variable' is undefined"):
        prompt_for({}, TemplateLibrary(tmp_path), "typo", fallback=False)
    with pytest.raises(TemplateProblem, match="no template named 'nope'"):
        prompt_for({}, TemplateLibrary(tmp_path), "nope", fallback=False)


def test_a_cut_inside_a_long_line_never_splits_a_secret() -> None:
    token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    # One long JSON line with a token every ~100 characters: any cut lands near one.
    record = '{"user":"u1","auth":"' + token + '","path":"/api/pay","status":500},'
    values = full_values()
    values["error_logs"] = "[" + record * 20_000 + "]"
    rendered = render(values, max_tokens=3_000)
    assert rendered.trims
    assert "bytes of one line" in rendered.text
    assert "ghp_" not in rendered.text.replace("[REDACTED:github-token#1]", "")
    assert "[REDACTED:github-token#1]" in rendered.text


def test_a_broken_user_template_falls_back_to_the_built_in_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "incident-response.md.j2").write_text("{% if %}\n")
    library = TemplateLibrary(tmp_path)
    rendered = prompt_for(full_values(), library, "incident-response")
    assert rendered.text.startswith("You are an expert senior software engineer")
    assert rendered.template_problem is not None
    assert "incident-response.md.j2:1: " in rendered.template_problem
    missing = prompt_for(full_values(), library, "from-a-colleague")
    assert missing.template_problem is not None
    assert "no template named 'from-a-colleague'" in missing.template_problem
    with pytest.raises(TemplateProblem):
        prompt_for(full_values(), library, "incident-response", fallback=False)


GITHUB_TOKEN = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"


def test_every_value_a_template_can_see_is_masked(tmp_path: Path) -> None:
    """Title, severity, started at and every field: one redactor, the same label everywhere."""
    values = {f.key: f"token {GITHUB_TOKEN} here" for f in CONTEXT_FIELDS}
    values.update(
        title=f"leak {GITHUB_TOKEN}",
        started_at=f"14:07 {GITHUB_TOKEN}",
        severity=GITHUB_TOKEN,
    )
    dump = (
        "{{ title }}|{{ severity }}|{{ started_at }}|{{ values }}|{{ unknowns }}|{{ trims }}\n"
        "{% for item in context %}{{ item }}{% endfor %}\n"
    )
    (tmp_path / f"dump{TEMPLATE_SUFFIX}").write_text(dump, encoding="utf-8")
    for library, name in ((LIBRARY, "incident-response"), (TemplateLibrary(tmp_path), "dump")):
        rendered = prompt_for(values, library, name)
        assert rendered.template_problem is None
        assert "ghp_" not in rendered.text.replace("[REDACTED:github-token#1]", "")
        assert "[REDACTED:github-token#2]" not in rendered.text
        assert "Started at: 14:07 [REDACTED:github-token#1]\n" in rendered.text or name == "dump"


def test_a_budget_smaller_than_the_fixed_text_is_said_with_the_smallest_that_fits() -> None:
    values = full_values()
    values["error_logs"] = "\n".join(f"line {i} ERROR upstream timeout" for i in range(5_000))
    rendered = render(values, max_tokens=500)
    assert rendered.tokens > 500
    assert not rendered.fits
    assert rendered.min_tokens is not None and rendered.min_tokens > 500
    note = rendered.budget_note
    assert note is not None and "trimmed to fit" not in note
    assert f"smallest budget that can fit is about {rendered.min_tokens:,} tokens" in note
    # That budget does fit.
    assert render(values, max_tokens=rendered.min_tokens).fits


def test_a_prompt_trimmed_within_budget_says_what_was_trimmed() -> None:
    values = full_values()
    values["error_logs"] = "\n".join(f"line {i} ERROR upstream timeout" for i in range(50_000))
    rendered = render(values, max_tokens=4_000)
    assert rendered.fits
    assert rendered.budget_note == "trimmed to fit 4,000 tokens: Error messages or logs"


def test_render_says_when_the_budget_is_too_small(
    installed_command: str, home: Path, tmp_path: Path
) -> None:
    import os
    import subprocess

    from tui.core.session import SessionStore

    store = SessionStore(home)
    session = store.create("tiny budget")
    session.fields["error_logs"] = "\n".join(f"line {i} ERROR timeout" for i in range(5_000))
    store.save(session)
    env = {**os.environ, "INCIDENT_TUI_HOME": str(home)}
    command = [installed_command, "render", session.id, "--max-tokens", "500"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "trimmed to fit 500" not in result.stderr
    assert "over the budget of 500 tokens" in result.stderr
    assert "smallest budget that can fit is about" in result.stderr
    helped = subprocess.run(
        [installed_command, "render", "--help"], capture_output=True, text=True, env=env
    )
    assert "(default: 32000)" in helped.stdout
    assert str(DEFAULT_MAX_TOKENS) in helped.stdout
