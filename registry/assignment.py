"""Balanced assignment of jurors to entries: every entry gets k jurors, loads even to within
one, never across a conflict of interest.

Pure: ids in, pairs out. The search is a maximum flow (entries -> jurors) built by augmenting
paths, first up to the lower even load and then up to the higher, so it finds an assignment
whenever one exists and otherwise says what stands in the way.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from registry.errors import RegistryError


class AssignmentImpossible(RegistryError):
    """No assignment meets the request (jurors per entry, even loads, no conflicts)."""

    code = "assignment_impossible"


def plan_assignment(labels: Mapping[int, str], names: Mapping[int, str], per_entry: int,
                    existing: set[tuple[int, int]], blocked: set[tuple[int, int]],
                    rng: random.Random) -> list[tuple[int, int]]:
    """New (entry id, juror id) pairs completing every entry to ``per_entry`` jurors with
    even loads; raises :class:`AssignmentImpossible` saying why when there are none.

    ``labels`` and ``names`` name the entries and jurors by id (for the messages);
    ``existing`` pairs are kept and counted, ``blocked`` pairs are conflicts.
    """
    have: dict[int, set[int]] = {e: set() for e in labels}
    load = {j: 0 for j in names}
    for entry_id, juror_id in existing:
        have[entry_id].add(juror_id)
        load[juror_id] += 1
    need = {e: max(per_entry - len(js), 0) for e, js in have.items()}
    total = sum(load.values()) + sum(need.values())
    low, extra = divmod(total, len(names))
    high = low + (extra > 0)
    over = [f"{names[j]} ({n})" for j, n in load.items() if n > high]
    if over:
        raise AssignmentImpossible(
            f"even loads mean {low}-{high} entries per juror, but {', '.join(over)} already "
            "have more by hand; remove some of those assignments or assign by hand")
    eligible = {e: [j for j in load if (e, j) not in blocked and j not in have[e]]
                for e in have}
    short = [f"{labels[e]} has {len(eligible[e])} eligible juror(s) left for {need[e]} place(s)"
             for e in have if len(eligible[e]) < need[e]]
    if short:
        raise AssignmentImpossible(
            f"not enough jurors without a conflict of interest: {'; '.join(short)}; invite "
            "more jurors or ask for fewer per entry",
            fields={"per_entry": short})
    order = {j: rng.random() for j in load}
    added: dict[int, set[int]] = {e: set() for e in have}
    for cap in (dict.fromkeys(load, low), dict.fromkeys(load, high)):
        for entry_id in have:
            while need[entry_id] and _augment(entry_id, eligible, added, load, cap, order):
                need[entry_id] -= 1
    light = [names[j] for j, n in load.items() if n < low]
    left = [labels[e] for e, n in need.items() if n]
    if left or light:
        raise AssignmentImpossible(
            f"no assignment gives every entry {per_entry} juror(s) with {low}-{high} entries "
            "per juror and no conflict of interest"
            + (f"; entries left short: {', '.join(left)}" if left else "")
            + (f"; jurors left below {low}: {', '.join(light)}" if light else "")
            + "; invite more jurors, ask for fewer per entry or assign some entries by hand",
            fields={"per_entry": [f"{per_entry} is not possible"]})
    return sorted((e, j) for e, js in added.items() for j in js)


def _augment(start: int, eligible: dict[int, list[int]], added: dict[int, set[int]],
             load: dict[int, int], cap: dict[int, int], order: dict[int, float]) -> bool:
    """Find one more juror for entry ``start``: directly, or by moving new assignments along
    a chain of entries (an augmenting path of the entries -> jurors flow). Breadth first,
    least-loaded jurors first."""
    came_from: dict[int, tuple[int, int | None]] = {}
    frontier = [(start, None)]
    seen_entries = {start}
    while frontier:
        following: list[tuple[int, int | None]] = []
        for entry_id, via in frontier:
            candidates = sorted((j for j in eligible[entry_id]
                                 if j not in added[entry_id] and j not in came_from),
                                key=lambda j: (load[j], order[j]))
            for juror_id in candidates:
                came_from[juror_id] = (entry_id, via)
                if load[juror_id] < cap[juror_id]:
                    _apply_path(juror_id, came_from, added, load)
                    return True
                for other in added:
                    if juror_id in added[other] and other not in seen_entries:
                        seen_entries.add(other)
                        following.append((other, juror_id))
        frontier = following
    return False


def _apply_path(juror_id: int, came_from: dict[int, tuple[int, int | None]],
                added: dict[int, set[int]], load: dict[int, int]) -> None:
    """Walk an augmenting path back: each entry takes the juror found for it and releases
    the juror it was reached through, down to the entry that needed one more."""
    load[juror_id] += 1
    current: int | None = juror_id
    while current is not None:
        entry_id, released = came_from[current]
        added[entry_id].add(current)
        if released is not None:
            added[entry_id].discard(released)
        current = released
