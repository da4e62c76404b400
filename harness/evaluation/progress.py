"""Progress reporting the engine calls into; the CLI supplies a rich implementation."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Phases with a known amount of work, advanced as it is done."""

    def start(self, description: str, total: int) -> int:
        """Open a phase and return its handle."""
        ...

    def advance(self, handle: int, amount: int) -> None:
        """Record `amount` units of work done in a phase."""
        ...

    def finish(self, handle: int) -> None:
        """Close a phase."""
        ...

    def stage(self, text: str) -> None:
        """Say where a run is overall (e.g. 'task 2/4 · afriqa · model me5-small'), or what it waits for."""
        ...


class NullProgress:
    """Reports nothing (library use, tests)."""

    def start(self, description: str, total: int) -> int:
        return 0

    def advance(self, handle: int, amount: int) -> None:
        return None

    def finish(self, handle: int) -> None:
        return None

    def stage(self, text: str) -> None:
        return None
