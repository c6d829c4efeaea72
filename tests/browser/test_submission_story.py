"""A network submits a document in the browser and its moderator publishes it; a Spanish
reader then finds it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import DATA

DOCUMENT = DATA / "sdg_action" / "es_rosario.txt"


def test_a_network_submits_a_document_and_its_moderator_publishes_it(
        new_page, screenshot, site_accounts):
    submitter = new_page()
    sign_in(submitter, site_accounts["submitter"])
    submitter.get_by_role("link", name="Submissions").click()
    submitter.get_by_label(re.compile("^Document")).set_input_files(str(DOCUMENT))
    submitter.get_by_role("button", name="Upload and preview").click()

    # the preview: what is missing is listed, and its form fields are marked
    expect(submitter.locator("#state")).to_have_text("draft")
    missing = submitter.locator("#missing")
    expect(missing).to_contain_text("end_date")
    end_date = submitter.get_by_label(re.compile("^End date"))
    expect(submitter.locator("p.field.missing").filter(has=end_date)).to_have_count(1)
    screenshot(submitter, "submission-preview")

    # fix the end date, save, submit
    end_date.fill("2019-12")
    submitter.get_by_role("button", name="Save changes").click()
    expect(submitter.get_by_text("Changes saved.")).to_be_visible()
    expect(missing).not_to_contain_text("end_date")
    submitter.get_by_role("button", name="Submit for review").click()
    expect(submitter.locator("#state")).to_have_text("submitted")
    draft_url = submitter.url

    # not public yet
    reader = new_page(locale="es-ES")
    reader.goto("/?q=crianza compartida")
    hits = reader.locator("ul.practices > li").filter(has_text="Crianza Compartida")
    expect(hits).to_have_count(0)

    moderator = new_page()
    sign_in(moderator, site_accounts["moderator"])
    moderator.goto("/submissions/")
    expect(moderator.get_by_role("heading", name="Waiting for your review")).to_be_visible()
    moderator.goto(draft_url)
    screenshot(moderator, "submission-moderation")
    moderator.get_by_role("button", name="Publish").click()
    expect(moderator.locator("#state")).to_have_text("published")
    moderator.get_by_role("link", name=re.compile("^gp-")).click()
    expect(moderator).to_have_url(re.compile(r"/practices/gp-"))
    practice_url = moderator.url

    # now a Spanish reader finds it and opens it
    reader.goto("/?q=crianza compartida")
    found = reader.locator("ul.practices > li").filter(has_text="Crianza Compartida")
    expect(found).to_have_count(1)
    found.get_by_role("link").first.click()
    expect(reader).to_have_url(practice_url)
    expect(reader.locator("main")).to_contain_text("2019-12")
    screenshot(reader, "published-practice")
