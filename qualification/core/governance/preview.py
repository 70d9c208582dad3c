"""The effect of a criteria draft over every lead, tallied lead by lead.

The preview scores each lead twice (published criteria, draft criteria) and feeds the two
results to ``PreviewTally.add``. A tally holds counters and bounded samples only, so a run
over 100,000 leads keeps constant memory; it runs in resumable chunks, so a tally's
``state()`` is plain JSON to store between chunks (``from_state`` resumes it) and
``merge`` combines tallies computed separately. ``figures()`` is what the page shows.

A lead's queue on each side is ``placement(lead.stage, result)[1]``: the queue a publish
would really put it in, not the raw score's queue.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from qualification.core.scoring.lifecycle import placement
from qualification.core.scoring.types import ScoreResult
from qualification.core.vocabulary import SDR_QUEUES, TIER_NAMES

_STATE_VERSION = 1
_REASONS = 3
_SIDES = ("published", "draft")
_DIRECTIONS = ("entering", "leaving")
# The tier names from hottest to coldest: the order the queue sizes list them.
_TIER_ORDER = tuple(TIER_NAMES[tier] for tier in sorted(TIER_NAMES, reverse=True))

Item = dict[str, Any]


class PreviewLead(NamedTuple):
    id: int
    name: str
    email: str
    stage: str


class _TopK:
    """The ``size`` items of highest rank, in a min-heap (the weakest on top, to evict).

    A running counter breaks rank ties inside the heap so items (dicts) are never compared.
    """

    def __init__(self, size: int, rank: Callable[[Item], tuple[Any, ...]]) -> None:
        self.size = size
        self.rank = rank
        self._heap: list[tuple[tuple[Any, ...], int, Item]] = []
        self._counter = itertools.count()

    def push(self, item: Item) -> None:
        if self.size <= 0:
            return
        entry = (self.rank(item), next(self._counter), item)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, entry)
        elif entry[0] > self._heap[0][0]:
            heapq.heapreplace(self._heap, entry)

    def extend(self, items: Iterable[Item]) -> None:
        for item in items:
            self.push(item)

    def items(self) -> list[Item]:
        """Best first."""
        return [entry[2] for entry in sorted(self._heap, key=lambda e: e[0], reverse=True)]


def _by_after(item: Item) -> tuple[int, int]:
    return item["after"], -item["id"]


def _by_before(item: Item) -> tuple[int, int]:
    return item["before"], -item["id"]


def _by_delta(item: Item) -> tuple[int, int]:
    return abs(item["delta"]), -item["id"]


class PreviewTally:
    """Counters and bounded samples of how a draft moves leads; see the module docstring.

    ``changed_keys``: the criteria the draft changed (``changed_criterion_keys``), whose
    firing is counted on both sides. ``names``: criterion key → name, for the figures.
    ``aliases``: a key the draft's results carry → the real criterion key (a draft may
    score under temporary keys so its results do not collide with the published ones).
    """

    def __init__(
        self,
        changed_keys: Iterable[str],
        names: Mapping[str, str],
        aliases: Mapping[str, str] | None = None,
        sample_size: int = 20,
        movers: int = 20,
    ) -> None:
        self.changed_keys = set(changed_keys)
        self.names = dict(names)
        self.aliases = dict(aliases or {})
        self.sample_size = sample_size
        self.movers = movers
        self.leads = 0
        self.moves = {q: dict.fromkeys(_DIRECTIONS, 0) for q in SDR_QUEUES}
        self.samples = {
            "entering": {q: _TopK(sample_size, _by_after) for q in SDR_QUEUES},
            "leaving": {q: _TopK(sample_size, _by_before) for q in SDR_QUEUES},
        }
        self.tier_counts: dict[tuple[int, int], int] = {}
        self.top_movers = _TopK(movers, _by_delta)
        self.queue_sizes = {
            side: {q: dict.fromkeys(("total", *_TIER_ORDER), 0) for q in SDR_QUEUES}
            for side in _SIDES
        }
        self.fires = {key: dict.fromkeys(_SIDES, 0) for key in self.changed_keys}

    # Tallying -----------------------------------------------------------------------

    def add(self, lead: PreviewLead, published: ScoreResult, draft: ScoreResult) -> None:
        """Count one lead scored on both sides."""
        self.leads += 1
        before = placement(lead.stage, published)[1]
        after = placement(lead.stage, draft)[1]
        if before != after:
            if after in SDR_QUEUES:
                self.moves[after]["entering"] += 1
                reasons = _reasons(draft)
                self.samples["entering"][after].push(_item(lead, published, draft, reasons))
            if before in SDR_QUEUES:
                self.moves[before]["leaving"] += 1
                # A draft that disqualifies the lead explains its leaving best; otherwise
                # the published reasons say what no longer holds it in the queue.
                reasons = _reasons(draft if draft.disqualified else published)
                self.samples["leaving"][before].push(_item(lead, published, draft, reasons))
        if published.tier != draft.tier:
            pair = (published.tier, draft.tier)
            self.tier_counts[pair] = self.tier_counts.get(pair, 0) + 1
        delta = draft.total - published.total
        if delta:
            self.top_movers.push(
                {
                    "id": lead.id,
                    "name": lead.name,
                    "email": lead.email,
                    "before": published.total,
                    "after": draft.total,
                    "delta": delta,
                }
            )
        for side, queue, result in (("published", before, published), ("draft", after, draft)):
            if queue in SDR_QUEUES:
                sizes = self.queue_sizes[side][queue]
                sizes["total"] += 1
                sizes[TIER_NAMES.get(result.tier, "cold")] += 1
        if self.changed_keys:
            for key in _fired(published, {}) & self.changed_keys:
                self.fires[key]["published"] += 1
            for key in _fired(draft, self.aliases) & self.changed_keys:
                self.fires[key]["draft"] += 1

    def merge(self, other: PreviewTally) -> PreviewTally:
        """Add ``other``'s counts and samples into this tally (this tally's sizes bound the
        samples); returns this tally."""
        self.leads += other.leads
        for queue, counts in other.moves.items():
            for direction, count in counts.items():
                self.moves[queue][direction] += count
        for direction, queues in other.samples.items():
            for queue, top in queues.items():
                self.samples[direction][queue].extend(top.items())
        for pair, count in other.tier_counts.items():
            self.tier_counts[pair] = self.tier_counts.get(pair, 0) + count
        self.top_movers.extend(other.top_movers.items())
        for side, queues in other.queue_sizes.items():
            for queue, sizes in queues.items():
                for name, count in sizes.items():
                    self.queue_sizes[side][queue][name] += count
        for key, counts in other.fires.items():
            mine = self.fires.setdefault(key, dict.fromkeys(_SIDES, 0))
            for side, count in counts.items():
                mine[side] += count
        self.changed_keys |= other.changed_keys
        self.names = {**other.names, **self.names}
        return self

    # Reading ------------------------------------------------------------------------

    def figures(self) -> dict[str, Any]:
        """The preview's figures, JSON-able: leads, entering, leaving, queues_moves,
        samples, tier_changes, tier_changed, top_movers, queue_sizes, criteria_fires."""
        tier_changes = [
            {"from": pair[0], "to": pair[1], "count": count}
            for pair, count in sorted(
                self.tier_counts.items(), key=lambda entry: (-entry[1], entry[0])
            )
        ]
        fires = [
            {"key": key, "name": self._name(key), **counts}
            for key, counts in sorted(self.fires.items(), key=lambda e: (self._name(e[0]), e[0]))
        ]
        return {
            "leads": self.leads,
            "entering": sum(counts["entering"] for counts in self.moves.values()),
            "leaving": sum(counts["leaving"] for counts in self.moves.values()),
            "queues_moves": {queue: dict(counts) for queue, counts in self.moves.items()},
            "samples": {
                direction: {queue: top.items() for queue, top in queues.items()}
                for direction, queues in self.samples.items()
            },
            "tier_changes": tier_changes,
            "tier_changed": sum(self.tier_counts.values()),
            "top_movers": self.top_movers.items(),
            "queue_sizes": {
                side: {queue: dict(sizes) for queue, sizes in queues.items()}
                for side, queues in self.queue_sizes.items()
            },
            "criteria_fires": fires,
        }

    def _name(self, key: str) -> str:
        return self.names.get(key, key)

    # Storing between chunks ---------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything needed to resume this tally, as plain JSON."""
        return {
            "version": _STATE_VERSION,
            "changed_keys": sorted(self.changed_keys),
            "names": dict(self.names),
            "aliases": dict(self.aliases),
            "sample_size": self.sample_size,
            "movers": self.movers,
            "figures": self.figures(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> PreviewTally:
        """The tally ``state()`` described, ready to ``add`` more leads to."""
        if state.get("version") != _STATE_VERSION:
            raise ValueError(f"unknown preview state version {state.get('version')!r}")
        tally = cls(
            state["changed_keys"],
            state["names"],
            state["aliases"],
            sample_size=state["sample_size"],
            movers=state["movers"],
        )
        figures = state["figures"]
        tally.leads = figures["leads"]
        tally.moves = {q: dict(c) for q, c in figures["queues_moves"].items()}
        for direction, queues in figures["samples"].items():
            for queue, items in queues.items():
                tally.samples[direction][queue].extend(items)
        tally.tier_counts = {(t["from"], t["to"]): t["count"] for t in figures["tier_changes"]}
        tally.top_movers.extend(figures["top_movers"])
        tally.queue_sizes = {
            side: {queue: dict(sizes) for queue, sizes in queues.items()}
            for side, queues in figures["queue_sizes"].items()
        }
        tally.fires = {
            f["key"]: {"published": f["published"], "draft": f["draft"]}
            for f in figures["criteria_fires"]
        }
        return tally


def _item(
    lead: PreviewLead, published: ScoreResult, draft: ScoreResult, reasons: list[str]
) -> Item:
    return {
        "id": lead.id,
        "name": lead.name,
        "email": lead.email,
        "before": published.total,
        "after": draft.total,
        "tier_before": published.tier,
        "tier_after": draft.tier,
        "reasons": reasons,
    }


def _reasons(result: ScoreResult) -> list[str]:
    """The top sentences of a result: its disqualifiers when disqualified, else the
    contributions that moved the score, largest first (ties keep the engine's order)."""
    if result.disqualified:
        sentences = [d.reason for d in result.disqualifiers] or list(
            result.disqualification_reasons
        )
        return sentences[:_REASONS]
    scoring = [c for c in result.contributions if c.points != 0]
    scoring.sort(key=lambda c: -abs(c.points))
    return [c.reason for c in scoring[:_REASONS]]


def _fired(result: ScoreResult, aliases: Mapping[str, str]) -> set[str]:
    """The criterion keys that contributed points or disqualified, through ``aliases``."""
    keys = {c.key for c in result.contributions if c.points != 0}
    keys |= {d.key for d in result.disqualifiers}
    return {aliases.get(key, key) for key in keys}
