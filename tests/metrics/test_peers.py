"""Peer groups and percentiles, on a generated set of records."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.metrics import peer_ranks, percentile, population_band, select_peers
from tests.metrics.records import record

COUNTRIES = ("CO", "MX", "AR")
VD_TAGS = ("V.D.03", "V.D.08", "V.D.10")


def generated(count: int = 60, seed: int = 7) -> list[dict]:
    """Practices with random theme, place, size, cost and reach (a quarter count households)."""
    rng = random.Random(seed)
    records = []
    for number in range(count):
        country = rng.choice(COUNTRIES)
        tags = [{"scheme": "venice_declaration", "code": code, "label": None}
                for code in rng.sample(VD_TAGS, rng.randint(1, 2))]
        if rng.random() < 0.3:
            tags.append({"scheme": "sdg_target", "code": "1.2", "label": None})
        unit = "households" if number % 4 == 0 else "persons"
        records.append(record(
            id=f"gen-{number}",
            jurisdiction={"name": f"City {number}", "level": "municipality", "country": country,
                          "subdivision": None,
                          "population": {"value": rng.randint(20_000, 8_000_000), "year": 2020}},
            tags=tags,
            beneficiaries=[{"value": rng.randint(100, 50_000), "unit": unit, "kind": "reached"}],
            resources=[{"type": "financing", "currency": "USD", "period_start": "2019",
                        "period_end": "2020", "amount": str(rng.randint(10_000, 5_000_000))}],
        ))
    return records


def test_percentile_by_hand():
    peers = [1, 2, 3, 4, 6, 7, 8, 9]
    assert percentile(5, peers, "higher") == 50  # beats 1, 2, 3, 4
    assert percentile(9.5, peers, "higher") == 100
    assert percentile(9.5, peers, "lower") == 0  # the most expensive of all
    assert percentile(0, peers, "lower") == 100
    assert percentile(3, [3, 3, 1, 5], "higher") == 50  # beats 1, ties count half: (1 + 1) / 4
    assert percentile(3, [3, 3, 1, 5], None) == 50
    with pytest.raises(ValueError, match="at least one peer"):
        percentile(1, [], "higher")


values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@given(values, st.lists(values, min_size=1, max_size=30))
def test_percentile_bounds_and_direction_symmetry(value, peers):
    higher = percentile(value, peers, "higher")
    lower = percentile(value, peers, "lower")
    assert 0 <= higher <= 100
    assert higher + lower == pytest.approx(100)


@given(values, values, st.lists(values, min_size=1, max_size=30))
def test_a_better_value_never_ranks_lower(a, b, peers):
    small, large = sorted((a, b))
    assert percentile(small, peers, "higher") <= percentile(large, peers, "higher")
    assert percentile(small, peers, "lower") >= percentile(large, peers, "lower")


def test_population_bands():
    assert population_band(None) is None
    assert population_band(49_999) == "under 50k"
    assert population_band(50_000) == "50k-250k"
    assert population_band(2_500_000) == "1M-5M"
    assert population_band(5_000_000) == "5M and more"


def test_peers_share_a_theme_and_a_place():
    records = generated()
    me = records[1]
    my_tags = {t["code"] for t in me["tags"]}
    my_band = population_band(me["jurisdiction"]["population"]["value"])
    for place in ("country", "population_band", "country_or_band", "anywhere"):
        peers = select_peers(me, records, place=place)
        assert peers, place
        for peer in peers:
            theirs = peer.record
            assert theirs is not me
            assert my_tags & {t["code"] for t in theirs["tags"]}
            same_country = theirs["jurisdiction"]["country"] == me["jurisdiction"]["country"]
            same_band = population_band(theirs["jurisdiction"]["population"]["value"]) == my_band
            assert {"country": same_country, "population_band": same_band,
                    "country_or_band": same_country or same_band, "anywhere": True}[place]
            assert (f"country {me['jurisdiction']['country']}" in peer.shared) == same_country
        assert [len(p.shared) for p in peers] == sorted((len(p.shared) for p in peers),
                                                       reverse=True)
    everywhere = select_peers(me, records, place="anywhere")
    assert len(everywhere) == sum(
        1 for r in records if r is not me and my_tags & {t["code"] for t in r["tags"]}
    )


def test_target_groups_and_sdg_targets_make_peers_too():
    me = record(id="me", target_groups=[{"code": "families", "label": "familias"}])
    same_group = record(id="a", target_groups=[{"code": "families", "label": "families"}])
    same_target = record(id="b", tags=[{"scheme": "sdg_target", "code": "1.2"}])
    nothing_shared = record(id="c", tags=[{"scheme": "keyword", "code": "families"}])
    me["tags"] = [{"scheme": "sdg_target", "code": "1.2"}]
    peers = select_peers(me, [me, same_group, same_target, nothing_shared], place="country")
    shared = {p.record["id"]: p.shared for p in peers}
    assert shared == {"a": ("target group families", "country CO"),
                      "b": ("SDG target 1.2", "country CO")}


def test_percentile_of_cost_per_person_among_generated_peers(metrics):
    records = generated()
    me = records[1]
    peers = [p.record for p in select_peers(me, records, place="anywhere")]
    ranks = peer_ranks(me, peers, metrics)

    def cost_per_head(r):
        return int(r["resources"][0]["amount"]) / r["beneficiaries"][0]["value"]

    mine = cost_per_head(me)
    comparable = [cost_per_head(p) for p in peers if p["beneficiaries"][0]["unit"] == "persons"]
    cheaper_than = sum(1 for c in comparable if c > mine) + 0.5 * comparable.count(mine)
    rank = ranks["cost_per_beneficiary"]
    assert rank.value.value == pytest.approx(mine)
    assert rank.value.unit == "USD per person"
    assert rank.peers_used == len(comparable)
    assert rank.peers_without == len(peers) - len(comparable)  # per-household figures left out
    assert rank.percentile == pytest.approx(100 * cheaper_than / len(comparable))
    assert ranks["coverage"].percentile is not None
    assert ranks["kpi_trend"].percentile is None
    assert ranks["kpi_trend"].reason == "no KPIs reported"


def test_no_comparable_peer_is_a_reason(metrics):
    records = generated()
    me = records[0]  # counts households
    others = [r for r in records[1:] if r["beneficiaries"][0]["unit"] == "persons"][:5]
    rank = peer_ranks(me, others, metrics)["cost_per_beneficiary"]
    assert rank.percentile is None
    assert rank.reason == "no peer has a value in USD per household"
