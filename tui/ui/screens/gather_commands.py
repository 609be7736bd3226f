"""The wizard's gather actions: "Gather from git" and "Run gather command…".

Git and gather commands run in thread workers: the UI never waits on them. What they bring is
taken into the session on the UI thread: change items are added (only new refs), a blank field
is filled, and text for a field that has text is shown for review first (ReviewOfferDialog) and
added below a marked header only when accepted. A profile's command runs only after the user
has seen its exact argv and agreed (remembered as in `incident-tui gather --run`). The rest of
gathering is imported on first use: the wizard starts without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from tui.core.errors import IncidentTuiError
from tui.core.model import now_utc
from tui.core.sanitize import visible_controls
from tui.ui.textual_compat import StyledOnceScreen

if TYPE_CHECKING:
    from tui.core.gather import Offer
    from tui.core.gather_git import GitGather
    from tui.core.profiles import GatherCommand, Profile
    from tui.core.save_controller import SaveController
    from tui.core.session import Session, SessionStore


class GatherCommands(StyledOnceScreen):
    """A base of WizardScreen, which provides what is declared here."""

    session: Session
    store: SessionStore
    saving: SaveController

    async def set_field(self, key: str, value: str) -> None:
        raise NotImplementedError

    def lists_changed(self) -> None:
        """The session's lists changed: count it as an edit, re-render, save soon."""
        raise NotImplementedError

    #: Where git and the profile are looked for: the directory the app was started in.
    def gather_directory(self) -> Path:
        return Path.cwd()

    def _gather_to_ui(self, callback: Callable[..., Any], *args: Any) -> None:
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    def _gather_problem(self, message: str) -> None:
        self.notify(visible_controls(message), severity="error", markup=False, timeout=10)

    # --- from git --------------------------------------------------------------------------------

    def action_gather_git(self) -> None:
        self.notify("Gathering from git…", markup=False, timeout=3)
        self._git_worker(self.gather_directory(), self.session.started_at)

    @work(thread=True, exclusive=True, group="gather", exit_on_error=False)
    def _git_worker(self, directory: Path, started_at: str) -> None:
        from tui.core.gather import git_offers
        from tui.core.gather_git import gather_git

        try:
            found = gather_git(directory, started_at=started_at)
            offers = git_offers(found)
        except IncidentTuiError as exc:
            self._gather_to_ui(self._gather_problem, str(exc))
            return
        self._gather_to_ui(self._start_take_git, found, offers)

    def _start_take_git(self, found: GitGather, offers: list[Offer]) -> None:
        # Not awaited: the thread worker is done; the review may wait on the user for long.
        self._take_git(found, offers)

    @work(exclusive=True, group="gather-review")
    async def _take_git(self, found: GitGather, offers: list[Offer]) -> None:
        from tui.core.gather import add_changes, header, is_present
        from tui.ui.screens.gather_dialog import ReviewOfferDialog

        added = add_changes(self.session, found.change_items())
        if added:
            self.lists_changed()
        said = [f"{len(found.commits)} commits {found.window.label}: {added} new change items"]
        top = header(f"git {found.repo}", now_utc())
        for offer in offers:
            if is_present(self.session, offer):
                continue
            existing = self.session.get(offer.key)
            if not existing.strip():
                await self.set_field(offer.key, offer.text)
                said.append(f"{offer.label} filled in")
            elif await self.app.push_screen_wait(ReviewOfferDialog(offer.label, offer.text, top)):
                # Read again: the field may have been typed in while the dialog was open.
                existing = self.session.get(offer.key).rstrip()
                await self.set_field(offer.key, f"{existing}\n\n{top}\n{offer.text}")
                said.append(f"{offer.label}: added below")
        self.notify(visible_controls("; ".join(said)), markup=False, timeout=8)

    # --- a profile's gather commands -------------------------------------------------------------

    @work(exclusive=True, group="gather-review")
    async def action_run_gather_command(self) -> None:
        from tui.core.profile_path import ProfileError, find_profile
        from tui.core.profiles import TrustStore, load_profile
        from tui.ui.screens.dialogs import ConfirmDialog
        from tui.ui.screens.gather_dialog import ChooseCommandDialog

        path = find_profile(self.gather_directory())
        if path is None:
            self._gather_problem(f"No .incident-tui.toml in {self.gather_directory()} or above")
            return
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            self._gather_problem(str(exc))
            return
        if not profile.commands:
            self._gather_problem(f"{path} has no [[gather]] commands")
            return
        name: str | None = profile.commands[0].name
        if len(profile.commands) > 1:
            name = await self.app.push_screen_wait(
                ChooseCommandDialog(
                    f"Gather commands of {path}", [(c.name, c.shown) for c in profile.commands]
                )
            )
        if name is None:
            return
        command = profile.command(name)
        trust = TrustStore(self.store.home)
        try:
            trusted = trust.is_trusted(profile.path, command)
            if not trusted:
                question = (
                    f"{profile.path} wants to run, in {profile.path.parent}, without a shell:"
                    f"\n\n{command.shown}\n\nIts output goes into {command.into}. Run it, now "
                    "and whenever it is unchanged?"
                )
                agreed = await self.app.push_screen_wait(
                    ConfirmDialog(
                        "Run this command?", question, yes="Run", no="Cancel", danger=True
                    )
                )
                if not agreed:
                    return
                trust.trust(profile.path, command)
        except IncidentTuiError as exc:  # the profile, the trust file or an unsafe home
            self._gather_problem(str(exc))
            return
        except OSError as exc:
            self._gather_problem(f"cannot remember the agreement: {exc.strerror or exc}")
            return
        self.notify(f"Running {name}…", markup=False, timeout=3)
        self._command_worker(profile, command)

    @work(thread=True, exclusive=True, group="gather", exit_on_error=False)
    def _command_worker(self, profile: Profile, command: GatherCommand) -> None:
        from tui.core.profiles import TrustStore, run_command

        try:
            block = run_command(profile, command, TrustStore(self.store.home), now_utc())
        except IncidentTuiError as exc:
            self._gather_to_ui(self._gather_problem, str(exc))
            return
        self._gather_to_ui(self._take_block, command.into, command.name, block)

    async def _take_block(self, key: str, name: str, block: str) -> None:
        from tui.core.profiles import FieldFull, with_block

        try:
            value = with_block(self.session, key, block)
        except FieldFull as exc:
            self._gather_problem(f"{name}: {exc}")
            return
        await self.set_field(key, value)
        self.notify(f"{name}: output added to {key}", markup=False)
