"""The wizard's "Gather from git" and "Run gather command…", and a profile-filled new incident."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gather_helpers import incident_repo
from incident_demo import NOW
from ui_helpers import settle, wizard

from tui.core.session import SessionStore
from tui.ui.app import IncidentApp
from tui.ui.screens.dialogs import ConfirmDialog
from tui.ui.screens.gather_dialog import ReviewOfferDialog

MakeApp = Callable[..., IncidentApp]


async def _wait_for(pilot: object, check: Callable[[], bool]) -> None:
    """Poll: settle() would wait for the worker that waits on an open dialog."""
    for _ in range(100):
        if check():
            return
        await pilot.pause(0.1)  # type: ignore[attr-defined]
    raise AssertionError("timed out")


async def _palette(pilot: object, title: str) -> None:
    await pilot.press("ctrl+p")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    for character in title:
        await pilot.press(character if character != " " else "space")  # type: ignore[attr-defined]
    await pilot.pause(0.3)  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_gather_from_git_adds_changes_fills_blanks_and_asks_before_adding_below_text(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, shas = incident_repo(tmp_path / "shop")
    monkeypatch.chdir(repo.path)
    session = store.create("Checkout 500")
    session.started_at = "2026-11-29 14:07 UTC"
    session.set("testing_commands", "curl -fsS https://shop/health")
    store.save(session)
    app = IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Gathered from the Changes step: its list must show the new items as they come.
        await wizard(app).go_to_step("changes")
        await settle(pilot)
        await _palette(pilot, "Gather from git")
        await _wait_for(pilot, lambda: isinstance(app.screen, ReviewOfferDialog))
        # Changed files went into the blank field; the test command waits for a decision.
        assert isinstance(app.screen, ReviewOfferDialog)
        screen = wizard_session = app.screen_stack[-2]
        assert "app/currency.py" in wizard_session.session.get("suspected_files")  # type: ignore[attr-defined]
        assert screen.session.get("testing_commands") == "curl -fsS https://shop/health"  # type: ignore[attr-defined]
        await pilot.press("a")
        await settle(pilot)
        w = wizard(app)
        assert [c["ref"] for c in w.session.items("changes")][:1] == [shas["merge"][:12]]
        changes = w.item_list("changes")
        assert changes is not None and len(changes.rows) == 4
        testing = w.session.get("testing_commands")
        assert testing.startswith("curl -fsS https://shop/health\n\n--- gathered from git ")
        assert "pytest" in testing
        # Saved with the rest.
        await pilot.press("ctrl+s")
        await settle(pilot, 0.3)
    saved = SessionStore(store.home).load(session.path)  # type: ignore[arg-type]
    assert len(saved.items("changes")) == 4
    assert "pytest" in saved.get("testing_commands")


async def test_a_gather_command_runs_only_after_the_user_agrees(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    service = tmp_path / "service"
    service.mkdir()
    (service / ".incident-tui.toml").write_text(
        '[[gather]]\nname = "pods"\nargv = ["sh", "-c", "touch ran; echo CrashLoopBackOff"]\n'
        'into = "monitoring"\n'
    )
    monkeypatch.chdir(service)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _palette(pilot, "Run gather command")
        await _wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert "sh -c 'touch ran; echo CrashLoopBackOff'" in app.screen._message
        await pilot.press("escape")
        await settle(pilot, 0.3)
        assert not (service / "ran").exists()
        assert wizard(app).session.get("monitoring") == ""

        await _palette(pilot, "Run gather command")
        await _wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(pilot, 0.5)
        assert (service / "ran").exists()
        monitoring = wizard(app).session.get("monitoring")
        assert monitoring.startswith("--- $ sh -c 'touch ran; echo CrashLoopBackOff'")
        assert monitoring.endswith("\nCrashLoopBackOff")

        # Agreed once: the same argv runs without asking.
        (service / "ran").unlink()
        await _palette(pilot, "Run gather command")
        await settle(pilot, 0.5)
        assert not isinstance(app.screen, ConfirmDialog)
        assert (service / "ran").exists()


async def test_new_with_a_profile_opens_the_prefilled_incident(
    store: SessionStore, tmp_path: Path
) -> None:
    from tui.core.profiles import Profile, prefill

    session = store.create("")
    prefill(session, Profile(tmp_path / "p.toml", {"environment": "production, eu-west-1"}))
    app = IncidentApp(store, start="new", session=session, clock=lambda: NOW, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        w = wizard(app)
        assert w.session.get("environment") == "production, eu-west-1"
        assert w.editor("environment").value == "production, eu-west-1"  # type: ignore[union-attr]


async def test_an_unsafe_home_is_a_message_not_a_crash(
    store: SessionStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    from ui_helpers import notifications

    service = tmp_path / "service"
    service.mkdir()
    (service / ".incident-tui.toml").write_text(
        '[[gather]]\nname = "pods"\nargv = ["touch", "ran"]\ninto = "monitoring"\n'
    )
    monkeypatch.chdir(service)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store.home.mkdir(exist_ok=True)
        store.home.chmod(0o777)  # another user could plant a trust file here
        await _palette(pilot, "Run gather command")
        await _wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")  # the agreement cannot be kept in that home: nothing runs
        await _wait_for(pilot, lambda: any("writable by group" in n for n in notifications(app)))
        assert app.is_running
        assert not isinstance(app.screen, ConfirmDialog)
        assert not (service / "ran").exists()


async def test_change_items_gathered_from_the_command_line_survive_the_wizards_next_save(
    store: SessionStore, tmp_path: Path
) -> None:
    from tui.cli import main

    repo, _ = incident_repo(tmp_path / "shop")
    session = store.create("Checkout 500")
    session.started_at = "2026-11-29 14:07 UTC"
    store.save(session)
    assert session.path is not None
    app = IncidentApp(store, start="resume", path=session.path, clock=lambda: NOW, blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert main(["gather", str(session.path), "--repo", str(repo.path)]) == 0
        between = SessionStore(store.home).load(session.path)
        assert len(between.items("changes")) == 4
        assert between.get("suspected_files") == ""  # the wizard has it open: not written
        await wizard(app).set_field("environment", "production")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
    saved = SessionStore(store.home).load(session.path)
    assert len(saved.items("changes")) == 4
    assert saved.get("environment") == "production"
