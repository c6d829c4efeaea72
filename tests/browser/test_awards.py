"""Award juries in a real browser: a juror signs in and scores an entry; the chair signs in,
closes scoring, publishes and reads the results table."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import ROLE_ACCOUNTS

RUBRIC = "oru-regional-good-practices"
CRITERIA = ("impact", "innovation", "sustainability", "transferability", "participation")
#: The juror who scores in the browser: the site's juror account sits on the jury.
JUROR = {"email": ROLE_ACCOUNTS["juror"]["email"], "name": "Lucía Vidal"}
#: The other jurors of the panel, who score through the service (no browser).
OTHERS = {"ben@example.org": "Ben Carvalho", "chloe@example.org": "Chloé Martin"}
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def award(live_app, site_accounts) -> dict:
    """An award in the live registry (whose juror and chair accounts are the site's)."""
    return live_app.extensions["registry"].awards.create_award("Regional Good Practices Award")


@pytest.fixture
def edition(live_app, award) -> dict:
    """A fresh edition in phase ``scoring``: the five seeds entered, three jurors on every
    entry, the other two jurors' scores already submitted."""
    registry = live_app.extensions["registry"]
    awards = registry.awards
    made = awards.create_edition(award["id"], f"T{next(_numbers)}", RUBRIC, year=2024)
    ids = sorted(hit.id for hit in registry.search.query("", per_page=50).hits)
    labels = [awards.submit_entry(made["id"], pid)["label"] for pid in ids]
    jurors = {email: awards.invite_juror(made["id"], name, email)["id"]
              for email, name in {JUROR["email"]: JUROR["name"], **OTHERS}.items()}
    for juror in jurors.values():
        awards.assign(made["id"], juror, labels)
    awards.start_scoring(made["id"])
    for k, email in enumerate(OTHERS):
        for n, label in enumerate(labels):
            awards.save_scores(made["id"], jurors[email], label,
                               {c: (n * 2 + k + i) % 11 for i, c in enumerate(CRITERIA)},
                               submit=True)
    return {**awards.edition(made["id"]), "labels": labels, "jurors": jurors}


def test_a_juror_signs_in_and_scores_an_entry(new_page, screenshot, live_app, edition):
    page = new_page()
    sign_in(page, JUROR["email"])
    page.get_by_role("link", name="Your award entries").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your award entries")
    page.get_by_role("link", name=edition["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your entries")
    first = edition["labels"][0]
    page.get_by_role("link", name=re.compile(f"^{first} · ")).click()
    expect(page).to_have_url(re.compile(f"/entries/{first}$"))

    points = {"impact": 8, "innovation": 6, "sustainability": 7, "transferability": 5,
              "participation": 9}
    for criterion, value in points.items():
        page.locator(f"#score-{criterion}").fill(str(value))
    page.locator("#comment-impact").fill("Clear indicators, followed over three years.")
    screenshot(page, "award-juror-form")
    page.get_by_role("button", name="Submit scores").click()

    expect(page.get_by_role("status")).to_contain_text("Scores submitted.")
    expect(page.locator("p.meta").first).to_contain_text("Status: submitted")
    for criterion, value in points.items():
        expect(page.locator(f"#score-{criterion}")).to_have_value(str(value))
    expect(page.locator("#comment-impact")).to_have_value(
        "Clear indicators, followed over three years.")
    expect(page.get_by_role("button", name="Update submitted scores")).to_be_visible()
    screenshot(page, "award-juror-form-saved")

    # saved for the juror's account, as the audit trail shows
    changes = live_app.extensions["registry"].awards.score_changes(edition["id"])
    mine = {c["criterion"]: c for c in changes if c["changed_by"] == JUROR["email"]}
    assert {c: float(mine[c]["new"]) for c in CRITERIA} == points
    assert all(mine[c]["entry"] == first for c in CRITERIA)


def test_the_chair_closes_scoring_publishes_and_reads_the_results(new_page, screenshot,
                                                                    live_app, edition):
    awards = live_app.extensions["registry"].awards
    for n, label in enumerate(edition["labels"]):  # the juror's scores, sent earlier
        awards.save_scores(edition["id"], edition["jurors"][JUROR["email"]], label,
                           {c: (n + i) % 11 for i, c in enumerate(CRITERIA)}, submit=True)
    page = new_page()
    sign_in(page, ROLE_ACCOUNTS["chair"]["email"])
    page.goto("/awards/")
    page.get_by_role("link", name=edition["name"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(edition["name"])
    phase = page.locator("p.meta").first
    expect(phase).to_contain_text("Phase: scoring")
    expect(page.get_by_text("15 of 15 assignment(s) submitted")).to_be_visible()

    page.get_by_role("button", name="Close scoring").click()
    expect(phase).to_contain_text("Phase: closed")
    page.get_by_role("button", name="Publish and freeze the results").click()
    expect(phase).to_contain_text("Phase: published")

    page.get_by_role("link", name="results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results · {edition['name']}")
    expect(page.get_by_text("these results are frozen")).to_be_visible()
    ranking = page.locator("main table").first
    expect(ranking.locator("tbody tr")).to_have_count(len(edition["labels"]))
    for label in edition["labels"]:
        expect(ranking).to_contain_text(f"{label} · ")
    expect(ranking).to_contain_text("Lucía Vidal")
    screenshot(page, "award-results")

    # published: the same page for a reader without an account
    reader = new_page()
    reader.goto(page.url)
    expect(reader.get_by_text("these results are frozen")).to_be_visible()
    expect(reader.locator("main table").first.locator("tbody tr")).to_have_count(
        len(edition["labels"]))
    assert JUROR["email"] not in reader.content()
