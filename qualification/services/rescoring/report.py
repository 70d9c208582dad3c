"""What a rescore did: the one summary commands, tasks and the benchmark print."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RescoreReport:
    """Counts of one rescore; batches merge into the run's report."""

    scored: int = 0
    written: int = 0  # scores that changed and were written
    failed: list[int] = field(default_factory=list)
    transitions: int = 0
    batches: int = 0

    def merge(self, other: RescoreReport) -> None:
        self.scored += other.scored
        self.written += other.written
        self.failed += other.failed
        self.transitions += other.transitions
        self.batches += other.batches

    def as_dict(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "written": self.written,
            "failed": self.failed,
            "transitions": self.transitions,
            "batches": self.batches,
        }
