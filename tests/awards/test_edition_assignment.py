"""Assigning jurors: by hand or automatically, balanced, never across a conflict of interest."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.assignment import AssignmentImpossible, plan_assignment
from registry.errors import RecordInvalid
from registry.services.awards import AlreadyScored, ConflictOfInterest

from .edition_story import CONFLICTS, ENTRIES, JURORS, marks


def test_automatic_assignment_is_balanced_and_avoids_every_conflict(story):
    awards = story.awards
    made = awards.auto_assign(story.id, 3)
    assert len(made) == 36 and {a["method"] for a in made} == {"auto"}
    panels = Counter(a["entry"] for a in made)
    assert panels == dict.fromkeys(ENTRIES, 3)
    loads = Counter(story.juror_key(a["juror"]) for a in made)
    assert sorted(loads.values()) == [7, 7, 7, 7, 8]  # 36 = 5 x 7 + 1
    blocked = {(juror, label) for juror, label, _ in CONFLICTS}
    assert not {(story.juror_key(a["juror"]), a["entry"]) for a in made} & blocked
    assert awards.auto_assign(story.id, 3) == []  # every entry has its jurors already
    assert {(a["juror_name"], a["entry"]) for a in awards.assignments(story.id)} == {
        (a["juror_name"], a["entry"]) for a in made}


def test_assignments_made_by_hand_are_kept_and_counted(story):
    awards, jurors = story.awards, story.jurors
    awards.assign(story.id, jurors["ana"], ["E01", "E02", "E03"])
    made = awards.auto_assign(story.id, 3)
    assert len(made) == 33
    every = awards.assignments(story.id)
    assert {(a["entry"], a["method"]) for a in every if a["juror"] == jurors["ana"]} >= {
        ("E01", "hand"), ("E02", "hand"), ("E03", "hand")}
    assert Counter(a["entry"] for a in every) == dict.fromkeys(ENTRIES, 3)
    assert sorted(Counter(a["juror"] for a in every).values()) == [7, 7, 7, 7, 8]


@pytest.mark.parametrize(("per_entry", "error", "reason"), [
    (6, AssignmentImpossible, r"6 jurors per entry asked, but the edition has 5 juror\(s\)"),
    (5, AssignmentImpossible, r"not enough jurors without a conflict of interest: E01 has 4 "
                              r"eligible juror\(s\) left for 5 place\(s\); E02 has 4"),
    (0, RecordInvalid, "jurors per entry must be at least 1"),
])
def test_an_impossible_request_says_why_and_assigns_nothing(story, per_entry, error, reason):
    with pytest.raises(error, match=reason):
        story.awards.auto_assign(story.id, per_entry)
    assert story.awards.assignments(story.id) == []


def test_even_loads_can_be_impossible_and_the_error_names_the_juror(story):
    # Eva declares conflicts with nine more entries: every entry can still find three
    # jurors, but Eva can take only E11 and E12 where even loads need 7 or 8 entries each.
    awards = story.awards
    for label in ("E01", "E02", "E03", "E04", "E05", "E06", "E08", "E09", "E10"):
        awards.declare_conflict(story.id, story.jurors["eva"], label, "former adviser")
    with pytest.raises(AssignmentImpossible,
                       match="no assignment gives every entry 3 juror.s. with 7-8 entries per "
                             "juror and no conflict of interest; ") as caught:
        awards.auto_assign(story.id, 3)
    assert "jurors left below 7: Eva Lefèvre; invite more jurors" in caught.value.message
    assert awards.assignments(story.id) == []


def test_a_conflict_declared_late_needs_the_assignment_removed_first(story):
    awards, jurors = story.awards, story.jurors
    awards.assign(story.id, jurors["ben"], ["E01"])
    with pytest.raises(ConflictOfInterest, match="Ben Carvalho is assigned to E01; remove that "
                                                 "assignment before declaring the conflict"):
        awards.declare_conflict(story.id, jurors["ben"], "E01", "met the team")
    awards.unassign(story.id, jurors["ben"], "E01")
    conflict = awards.declare_conflict(story.id, jurors["ben"], "E01", "met the team")
    assert (conflict["kind"], conflict["note"]) == ("declared", "met the team")

    # a scored assignment stays
    awards.assign(story.id, jurors["ana"], ["E01"])
    awards.start_scoring(story.id)
    awards.save_scores(story.id, jurors["ana"], "E01", {"impact": marks("ana", "E01")["impact"]})
    with pytest.raises(AlreadyScored, match="Ana Ruiz has already scored E01 .1 score.s..; a "
                                         "scored assignment stays"):
        awards.unassign(story.id, jurors["ana"], "E01")


def test_a_juror_invited_late_gets_the_conflicts_of_the_entries_already_in(story):
    new = story.awards.invite_juror(story.id, "Zoe Dupont", "zoe@jury.example.org",
                                    country="CA", organisation="Gouvernement du Québec")
    kinds = {(c["entry"], c["kind"]) for c in story.awards.conflicts(story.id)
             if c["juror"] == new["id"]}
    assert kinds == {("E12", "same_country"), ("E12", "same_organisation")}
    assert len(JURORS) + 1 == len(story.awards.jurors(story.id))


# -- the planner against brute force ---------------------------------------------------------


def feasible(entries: int, jurors: int, k: int, existing: set, blocked: set) -> bool:
    """Whether any completion gives every entry k jurors with loads within one of even."""
    have = {e: {j for (ee, j) in existing if ee == e} for e in range(entries)}
    need = {e: max(k - len(have[e]), 0) for e in range(entries)}
    total = len(existing) + sum(need.values())
    low, extra = divmod(total, jurors)
    high = low + (extra > 0)
    options = [itertools.combinations([j for j in range(jurors)
                                       if j not in have[e] and (e, j) not in blocked], need[e])
               for e in range(entries)]
    for choice in itertools.product(*options):
        loads = Counter(j for _, j in existing)
        for picked in choice:
            loads.update(picked)
        if all(low <= loads[j] <= high for j in range(jurors)):
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.randoms(), st.floats(0, 0.6))
def test_the_planner_finds_an_assignment_exactly_when_one_exists(entries, jurors, k, rnd,
                                                                 density):
    k = min(k, jurors)
    pairs = [(e, j) for e in range(entries) for j in range(jurors)]
    blocked = {p for p in pairs if rnd.random() < density}
    existing = {p for p in pairs if p not in blocked and rnd.random() < 0.15}
    labels = {e: f"E{e:02d}" for e in range(entries)}
    names = {j: f"juror {j}" for j in range(jurors)}
    possible = feasible(entries, jurors, k, existing, blocked)
    try:
        plan = plan_assignment(labels, names, k, set(existing), set(blocked), random.Random(1))
    except AssignmentImpossible:
        assert not possible
        return
    assert possible
    final = existing | set(plan)
    assert not set(plan) & (blocked | existing)
    counts = Counter(e for e, _ in final)
    assert all(counts[e] >= k for e in range(entries))
    loads = Counter(j for _, j in final)
    assert max(loads[j] for j in range(jurors)) - min(loads[j] for j in range(jurors)) <= 1
