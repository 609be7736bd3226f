"""The log digest: a log over its share of the prompt keeps its errors and says what repeated."""

from __future__ import annotations

import re

import pytest

from tui.cli import main
from tui.core.digest import TRACE_CAP, digest, forget
from tui.core.model import SessionError
from tui.core.prompt import DEFAULT_MAX_TOKENS, RenderedPrompt, TemplateLibrary, prompt_for
from tui.core.schema import CONTEXT_FIELDS
from tui.core.session import SessionStore

LIBRARY = TemplateLibrary(None)

PYTHON_TRACE = [
    "2026-11-29T14:09:13Z ERROR checkout-api unhandled exception in POST /v2/checkout",
    "Traceback (most recent call last):",
    '  File "/app/checkout/api.py", line 88, in create_checkout',
    "    order = await orders.create_order(cart, user)",
    '  File "/app/checkout/orders.py", line 212, in create_order',
    "    row = await db.fetchrow(INSERT_ORDER, *values)",
    'asyncpg.exceptions.UndefinedColumnError: column "discount_code" does not exist',
]
JAVA_TRACE = [
    "2026-11-29T14:11:40Z ERROR payments provider call failed",
    "java.net.SocketTimeoutException: Read timed out",
    "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
    "\tat com.example.payments.ProviderClient.authorize(ProviderClient.java:141)",
    "Caused by: java.io.IOException: Connection reset by peer",
    "\t... 12 more",
]
GO_PANIC = [
    "panic: runtime error: invalid memory address or nil pointer dereference",
    "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x6f1e58]",
    "",
    "goroutine 1 [running]:",
    "main.(*Cart).Total(0x0)",
    "\t/src/cart/cart.go:42 +0x18",
    "main.main()",
    "\t/src/cart/main.go:17 +0x25",
]


def access_line(i: int) -> str:
    """A line that repeats with new numbers, ids and times: one shape."""
    sec = 5 * 60 + i * 3 // 1000
    return (
        f"2026-11-29T14:{sec // 60:02d}:{sec % 60:02d}.{i % 1000:03d}Z INFO gateway "
        f'10.0.{i % 256}.{i % 97} "GET /v2/cart/{i * 7919 % 100_000} HTTP/1.1" 200 '
        f"{512 + i % 900} req={i * 2654435761 % 2**64:016x} latency_ms={i % 400}"
    )


def health_line(i: int) -> str:
    return f"2026-11-29T14:{5 + i // 20_000:02d}:00Z DEBUG healthz ok in {i % 9} ms"


def big_log(lines: int = 200_000) -> tuple[str, list[list[str]]]:
    """`lines` repeated lines with three distinct exceptions hidden among them, far from the
    head and the tail; also the line before and after each exception (their context)."""
    out = [access_line(i) if i % 5 else health_line(i) for i in range(lines)]
    traces = [PYTHON_TRACE, JAVA_TRACE, GO_PANIC]
    contexts = []
    for n, (trace, worker) in enumerate(zip(traces, ("north", "south", "west"), strict=True), 1):
        at = lines * n // 4
        before, after = f"worker {worker} picked job {n * 1111}", f"worker {worker} gave up"
        out[at:at] = [before, *trace, after]
        contexts.append([before, *trace, after])
    return "\n".join(out), contexts


def render(values: dict[str, str], max_tokens: int = DEFAULT_MAX_TOKENS) -> RenderedPrompt:
    return prompt_for(values, LIBRARY, "incident-response", max_tokens=max_tokens)


def values_with(log: str, **more: str) -> dict[str, str]:
    values = {f.key: f"value of {f.key}" for f in CONTEXT_FIELDS}
    values.update(severity="SEV1", started_at="14:07 UTC", error_logs=log, **more)
    return values


def test_three_exceptions_among_200000_lines_render_whole_with_context_and_counts() -> None:
    log, contexts = big_log()
    rendered = render(values_with(log))
    assert rendered.fits
    text = rendered.text
    for trace in contexts:
        # The exception whole, in order, with the lines around it.
        assert "\n".join(trace) in text
    # What was collapsed, with its count and when it was seen.
    accesses = sum(1 for i in range(200_000) if i % 5)
    assert f"{access_line(1)} [×{accesses:,} similar, 14:05:00–14:14:59]" in text
    assert re.search(r"\[incident-tui log digest: 200,0\d\d lines, [\d,]+ shown; ", text)
    # The first and last lines of the log are kept.
    assert health_line(0) in text and log.rsplit("\n", 1)[1] in text
    assert [t.key for t in rendered.trims] == ["error_logs"]


def test_the_digest_is_deterministic() -> None:
    log, _ = big_log(40_000)
    first = digest(log, 30_000)
    forget()
    again = digest("".join(log), 30_000)  # an equal string, not the same object
    assert first == again
    assert render(values_with(log)).text == render(values_with(log)).text


def test_a_value_that_fits_is_never_digested() -> None:
    log, _ = big_log(2_000)
    assert digest(log, len(log)) is log
    small = values_with("\n".join(access_line(i) for i in range(50)))
    assert render(small).text == render({**small, "digest": "false"}).text


def test_the_setting_and_no_digest_turn_it_off() -> None:
    log, contexts = big_log(50_000)
    on = render(values_with(log)).text
    off = render(values_with(log, digest="false")).text
    assert "incident-tui log digest" in on and "\n".join(contexts[1]) in on
    assert "incident-tui log digest" not in off and "left out" in off
    assert "\n".join(contexts[1]) not in off  # the trim keeps only the head and the tail


def test_render_no_digest_and_the_file_setting(
    store: SessionStore, capsys: pytest.CaptureFixture[str]
) -> None:
    log, _ = big_log(50_000)
    session = store.create("digest")
    session.set("error_logs", log)
    path = store.save(session)
    assert "\ndigest = true\n" in path.read_text(encoding="utf-8")
    assert main(["render", session.id]) == 0
    assert "incident-tui log digest" in capsys.readouterr().out
    assert main(["render", session.id, "--no-digest"]) == 0
    assert "incident-tui log digest" not in capsys.readouterr().out
    # `digest = false` in the file, as a person writes it, is read and written back as such.
    text = path.read_text(encoding="utf-8").replace("\ndigest = true\n", "\ndigest = false\n")
    path.write_text(text, encoding="utf-8")
    loaded = store.load(path)
    assert loaded.digest == "false"
    assert main(["render", session.id]) == 0
    assert "incident-tui log digest" not in capsys.readouterr().out
    store.save(loaded)
    assert "\ndigest = false\n" in path.read_text(encoding="utf-8")
    path.write_text(text.replace("\ndigest = false\n", "\ndigest = 3\n"), encoding="utf-8")
    with pytest.raises(SessionError, match="digest must be true or false"):
        store.load(path)


def test_a_secret_in_a_collapsed_lines_sample_is_masked() -> None:
    secret = "hunter2-prod-Zx81"
    lines = [f"14:{i // 60 % 60:02d}:{i % 60:02d} retry {i} password={secret}" for i in range(9000)]
    lines[4000] = f"14:30:00 ERROR auth failed for token password={secret}"
    rendered = render(values_with("\n".join(lines)), max_tokens=6_000)
    assert "incident-tui log digest" in rendered.text
    assert "×8,999 similar" in rendered.text
    assert secret not in rendered.text
    assert rendered.findings


def test_repeated_stack_traces_are_shown_once_with_their_count() -> None:
    lines: list[str] = []
    for i in range(300):
        lines += [access_line(j) for j in range(i * 40, i * 40 + 40)]
        lines += [f"2026-11-29T14:{10 + i // 60:02d}:{i % 60:02d}Z ERROR payments call failed"]
        lines += JAVA_TRACE[1:]
    lines += [access_line(j) for j in range(40)]  # the tail: not a trace
    out = digest("\n".join(lines), 20_000)
    assert out.count("java.net.SocketTimeoutException: Read timed out") == 1
    assert "[×300 this error and its trace, 14:10:00–14:14:59]" in out
    assert "\n".join(JAVA_TRACE[1:]) in out
    assert len(out) <= 20_000


def test_a_long_trace_is_kept_up_to_its_cap() -> None:
    frames = [f"\tat com.example.Deep.call{i}(Deep.java:{i})" for i in range(500)]
    lines = [health_line(i) for i in range(5_000)]
    lines[2_500:2_500] = ["java.lang.StackOverflowError", *frames]
    out = digest("\n".join(lines), 40_000)
    assert "java.lang.StackOverflowError\n" + "\n".join(frames[: TRACE_CAP - 1]) in out
    assert frames[TRACE_CAP] not in out
    assert f"[… {500 - TRACE_CAP + 1:,} more lines of this trace …]" in out


def test_error_lines_and_http_5xx_are_kept_with_context_among_distinct_lines() -> None:
    # Distinct lines (no shape repeats) do not all fit: the errors and their context do.
    lines = [f"step {chr(0x4E00 + i)} done" for i in range(8_000)]
    lines[3_000] = '10.0.0.7 - - [29/Nov/2026:14:07:00 +0000] "POST /v2/checkout HTTP/1.1" 503 12'
    lines[5_000] = "kernel: Out of memory: Killed process 4242 (checkout-api)"
    out = digest("\n".join(lines), 10_000)
    for at in (3_000, 5_000):
        assert "\n".join(lines[at - 3 : at + 4]) in out
    assert re.search(r"\[… [\d,]+ lines left out …\]", out)
    assert len(out) <= 10_000


def test_a_go_panic_is_kept_whole() -> None:
    lines = [health_line(i) for i in range(3_000)]
    lines[1_500:1_500] = GO_PANIC
    out = digest("\n".join(lines), 8_000)
    assert "\n".join(GO_PANIC) in out


@pytest.mark.parametrize(
    "log",
    [
        "",
        "x" * 5_000_000,  # one 5 MB line without newlines
        "\x00\x1b[31mERROR\x1b[0m \x1b]52;c;aGFja2Vk\x07 boom\n" * 20_000,
        "\r".join(f"14:00:{i % 60:02d} ERROR retry {i}" for i in range(20_000)),
    ],
    ids=["empty", "one-5MB-line", "nuls-and-escapes", "cr-line-ends"],
)
def test_hostile_logs_render_within_budget_and_clean(log: str) -> None:
    rendered = render(values_with(log), max_tokens=4_000)
    assert rendered.fits
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", rendered.text)
    assert digest(log, 1_000) == digest(log, 1_000)


def test_cr_only_line_ends_collapse_like_newlines() -> None:
    log = "\r".join(f"14:00:{i % 60:02d} worker retry {i}" for i in range(20_000))
    out = digest(log, 5_000)
    assert "14:00:00 worker retry 0 [×20,000 similar, 14:00:00–14:00:19]" in out


def test_one_huge_line_is_left_to_the_trim() -> None:
    line = "y" * 5_000_000
    assert digest(line, 10_000) is line


def word(n: int) -> str:
    """A distinct word for each n, in letters that no shape drops (g to z)."""
    out = ""
    while True:
        n, digit = divmod(n, 20)
        out += "ghijklmnopqrstuvwxyz"[digit]
        if not n:
            return out


@pytest.mark.parametrize("budget", [20_000, 45_000])
def test_no_stack_frame_is_shown_without_its_trace(budget: int) -> None:
    lines = [health_line(i) for i in range(200)]
    for t in range(200):
        lines.append(f"java.lang.IllegalStateException: {word(t)}")
        lines += [f"\tat com.example.{word(t * 30 + k)}.run(Main.java)" for k in range(30)]
        lines += [health_line(i) for i in range(20)]
    out = digest("\n".join(lines), budget)
    headers = out.count("java.lang.IllegalStateException")
    assert headers >= 5
    assert out.count("\tat com.example.") == 30 * headers


def test_one_line_left_out_is_one_line() -> None:
    out = digest("x" * 100_000 + "\n" + "retry in 3 s\n" * 1_000, 1_000)
    assert out.startswith("[incident-tui log digest: 1,001 lines, ")  # the last newline ends one
    assert (
        "; 1 line left out (see […])]\n[… 1 line left out …]\nretry in 3 s [×1,000 similar]" in out
    )


def test_an_edited_log_is_digested_anew() -> None:
    log, _ = big_log(20_000)
    before = digest(log, 8_000)
    assert digest(log, 8_000) is before  # the preview's next render: nothing to do again
    edited = log + "\nkernel: Out of memory: Killed process 77 (cart)"
    after = digest(edited, 8_000)
    assert "Killed process 77" in after and "Killed process 77" not in before


def test_a_log_is_analysed_once_while_the_other_fields_are_edited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fields after the log in the prompt that are longer than a stub: fitting the prompt once
    # digested each of them too, and the log's analysis was pushed out of what is remembered,
    # so each render of the preview (after every pause in typing) analysed the whole log again.
    import tui.core.digest as digest_module

    log, contexts = big_log(60_000)
    long = {
        key: " ".join(f"{key}{i}" for i in range(100))
        for key in ("monitoring", "recent_changes", "testing_commands")
    }
    values = values_with(log, **long)
    analysed: list[int] = []
    real = digest_module.analyse

    def counting(text: str, start: int, end: int, newlines: int | None) -> object:
        analysed.append(end - start)
        return real(text, start, end, newlines)

    monkeypatch.setattr(digest_module, "analyse", counting)
    forget()
    first = render(values)
    for word in ("zq1", "zq1x", "zq1xy"):
        again = render({**values, "incident_summary": f"checkout fails {word}"})
        assert f"checkout fails {word}" in again.text
        assert "\n".join(contexts[0]) in again.text
    # The log, once; nothing shorter than the log needed a digest.
    assert analysed == [len(log)]
    assert "\n".join(contexts[0]) in first.text


def test_a_log_keeps_only_a_few_digests_alive_however_many_budgets_it_is_fitted_to() -> None:
    # Each edit of another field moves the log's share of the prompt; every share used to stay
    # remembered, tens of kilobytes each, for as long as the log was the one digested.
    import tui.core.digest as digest_module

    forget()
    log = "\n".join([*(access_line(i) for i in range(40_000)), *PYTHON_TRACE])
    for step in range(30):
        budget = 20_000 + 1_024 * step
        assert len(digest(log, budget)) <= budget + 200
    kept = [len(by_budget) for _, _, by_budget in digest_module._DONE.values()]
    assert kept and max(kept) <= digest_module.BUDGETS_KEPT
    # The latest budgets are the ones kept: the preview asks for them again.
    again = digest(log, 20_000 + 1_024 * 29)
    assert again is digest(log, 20_000 + 1_024 * 29)


@pytest.mark.parametrize("budget", [24_000, 48_000, 96_000])
def test_a_digest_uses_its_budget_where_the_log_has_more_to_show(budget: int) -> None:
    # The digest kept a tenth of its budget back for its markers and seldom needed it: a log's
    # share of the prompt went partly unused, and fitting the prompt took another try.
    from tests.benchmarks.data import log_text as production_log

    forget()
    log = production_log(1024 * 1024)
    shown = digest(log, budget)
    assert shown.startswith("[incident-tui log digest:")
    assert budget * 0.97 <= len(shown) <= budget
    assert len(digest("\n".join(big_log(20_000)[0].splitlines()), budget)) <= budget


@pytest.mark.parametrize(
    ("last", "errors"),
    [("upstream answered status=503", 1), ("upstream answered status=50", 0)],
)
def test_a_status_cut_short_at_the_end_of_a_log_is_no_5xx(last: str, errors: int) -> None:
    # A 5xx is 5 and two more digits: a log cut off after "status=50" had its last line kept
    # as an error.
    forget()
    log = "\n".join([*(access_line(i) for i in range(2_000)), last])
    shown = digest(log, 4_000)
    assert f"{errors} distinct error{'' if errors == 1 else 's'} shown with context" in shown
