"""The award pages: Chloé signs in and scores in French with a plain form; the chair signs in,
assigns and reads the results, raw and normalised side by side, with the low-agreement
warning. Every form is sent with its CSRF token, as the browser sends it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.conftest import csrf_token, login

from .edition_story import CRITERIA, PANELS, marks


class FormFields(HTMLParser):
    """The form fields of a page and the ids its labels point at."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[dict] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag in ("input", "textarea", "select") and found.get("type") != "hidden":
            self.fields.append({"tag": tag, **found})
        if tag == "label" and "for" in found:
            self.labelled.add(found["for"])


def fields_of(html: str) -> FormFields:
    parser = FormFields()
    parser.feed(html)
    return parser


def test_a_juror_scores_in_her_language_with_a_plain_form(story, client, jury_accounts):
    story.assign_panels()
    story.awards.start_scoring(story.id)
    assert login(client, jury_accounts["chloe"].email).status_code == 302
    home = f"/awards/editions/{story.id}/jurors/{story.jurors['chloe']}"
    listing = client.get(home).get_data(as_text=True)
    assert "Vos candidatures" in listing and "non commencée" in listing
    assert 'lang="fr"' in listing
    assert all(f"/entries/{label}" in listing for label, panel in PANELS.items()
               if "chloe" in panel)

    form_url = f"{home}/entries/E01"
    page = client.get(form_url).get_data(as_text=True)
    assert "Impact et résultats" in page and "Participation et partenariats" in page
    assert "Tour anonyme" in page
    record = story.registry.practices.get(story.practices["E01"])
    assert record["jurisdiction"]["name"] not in page  # San Luis Potosí, blind round
    assert "Enregistrer le brouillon" in page and "Envoyer les notes" in page
    assert "<script" not in page
    form = fields_of(page)
    assert [f["id"] for f in form.fields if f["id"] != "q"] == [  # q: the site search box
        name for c in CRITERIA for name in (f"score-{c}", f"comment-{c}")]
    assert all(f["id"] in form.labelled for f in form.fields)  # a label on every input
    impact = form.fields[1]
    assert (impact["type"], impact["min"], impact["max"], impact["step"]) == (
        "number", "0", "10", "1")

    # a draft, without JavaScript: post, redirect, see it saved
    points = marks("chloe", "E01")
    token = csrf_token(client, form_url)
    saved = client.post(form_url, data={"score-impact": str(points["impact"]),
                                        "comment-impact": "Peu de chiffres.",
                                        "score-innovation": "", "action": "draft",
                                        "csrf_token": token})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(form_url)
    page = client.get(form_url).get_data(as_text=True)
    assert "Brouillon enregistré." in page and "État: brouillon" in page
    assert f'value="{points["impact"]}"' in page and "Peu de chiffres." in page

    # a value off the scale comes back with the message and what she typed
    wrong = client.post(form_url, data={"score-innovation": "12", "action": "draft",
                                        "csrf_token": token})
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert 'role="alert"' in body and "innovation: 12 is outside the scale 0..10." in body
    assert 'value="12"' in body

    done = client.post(form_url, data={**{f"score-{c}": str(points[c]) for c in CRITERIA},
                                       "action": "submit", "csrf_token": token})
    assert done.status_code == 302
    page = client.get(form_url).get_data(as_text=True)
    assert "Notes envoyées." in page and "Mettre à jour les notes envoyées" in page
    assert "Les notes des autres jurés s’affichent quand la présidence clôt" in page

    assert client.get(f"{home}/entries/E05").status_code == 403  # not hers
    assert client.get(f"/awards/editions/{story.id}/jurors/999").status_code == 404
    changes = story.awards.score_changes(story.id)
    assert {c["changed_by"] for c in changes} == {jury_accounts["chloe"].email}


def test_the_chair_assigns_follows_progress_and_reads_the_results(story, client, accounts):
    assert login(client, accounts["chair"].email).status_code == 302
    page_url = f"/awards/editions/{story.id}"
    page = client.get(page_url).get_data(as_text=True)
    token = csrf_token(client, page_url)
    assert "Phase: <strong>open</strong>" in page
    assert "✗ same country" in page and "✗ same country, same organisation" in page
    assert "✗ declared" in page
    form = fields_of(page)
    assert all(f["id"] in form.labelled for f in form.fields)

    refused = client.post(f"{page_url}/assign", data={
        "juror_id": story.jurors["dario"], "entry": ["E05", "E02"], "csrf_token": token},
        follow_redirects=True)
    assert "Darío López cannot score E02: conflict of interest" in refused.get_data(as_text=True)
    made = client.post(f"{page_url}/assign", data={
        "juror_id": story.jurors["dario"], "entry": ["E05", "E06"], "csrf_token": token},
        follow_redirects=True)
    assert "Darío López assigned to E05, Darío López assigned to E06." in made.get_data(
        as_text=True)
    story.awards.unassign(story.id, story.jurors["dario"], "E06")
    story.awards.unassign(story.id, story.jurors["dario"], "E05")
    story.assign_panels()
    started = client.post(f"{page_url}/phase", data={"action": "start", "csrf_token": token},
                          follow_redirects=True)
    assert "Phase: <strong>scoring</strong>" in started.get_data(as_text=True)

    for label, panel in PANELS.items():
        for juror in panel:
            story.awards.save_scores(story.id, story.jurors[juror], label, marks(juror, label),
                                     submit=juror != "ana" or label != "E12")
    page = " ".join(client.get(page_url).get_data(as_text=True).split())
    assert "35 of 36 assignment(s) submitted, 1 in draft, 0 not started." in page

    closed = client.post(f"{page_url}/phase", data={"action": "close", "csrf_token": token},
                         follow_redirects=True)
    assert "Phase: <strong>closed</strong>" in closed.get_data(as_text=True)
    results = " ".join(client.get(f"{page_url}/results").get_data(as_text=True).split())
    assert "Low agreement between jurors." in results
    assert "Raw sum of jurors" in results and "Normalised sum of jurors" in results
    # Dakar first (raw fifth): each juror's total beside its normalised value
    assert re.search(r"<td>1</td><td>5</td> <th scope=\"row\">E09 · .*?</th> <td>48.00</td>"
                     r"<td>54.\d\d</td> <td>Chloé Martin 12.00 → 18.\d\d; Darío López 18.00 → ",
                     results)
    assert "1 assignment(s) have no submitted scores and are not counted: E12/Ana Ruiz." in (
        results)
    assert "Provisional" in results

    client.post(f"{page_url}/phase", data={"action": "publish", "csrf_token": token})
    frozen = client.get(f"{page_url}/results").get_data(as_text=True)
    assert "these results are frozen" in frozen
    again = client.post(f"{page_url}/phase", data={"action": "publish", "csrf_token": token},
                        follow_redirects=True)
    assert "its results are frozen" in again.get_data(as_text=True)
    assert "ORU Fogar Regional Good Practices Award III (2018)" in client.get(
        "/awards/").get_data(as_text=True)
