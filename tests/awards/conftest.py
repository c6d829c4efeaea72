"""An edition set up as a chair would: practices imported, entries in, jurors invited."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from registry.permissions import SYSTEM, Identity
from registry.services import Registry
from registry.services.awards import AwardService
from tests.conftest import PASSWORD

from .edition_story import AWARD, DECLARED, JURORS, NETWORK, RUBRIC, entries_of, import_practices


@dataclass
class StoryEdition:
    """Edition III of the story, blind, in phase ``open``; ids by the story's names."""

    registry: Registry
    id: int
    award_id: int
    practices: dict[str, str]
    jurors: dict[str, int]

    @property
    def awards(self) -> AwardService:
        return self.registry.awards

    def juror_key(self, juror_id: int) -> str:
        return next(key for key, jid in self.jurors.items() if jid == juror_id)

    def assign_panels(self) -> None:
        """The story's balanced assignment, by hand."""
        for juror, juror_id in self.jurors.items():
            self.awards.assign(self.id, juror_id, entries_of(juror))


@pytest.fixture
def story(registry: Registry) -> StoryEdition:
    practices = import_practices(registry)
    awards = registry.awards
    award = awards.create_award(AWARD)
    edition = awards.create_edition(award["id"], "III", RUBRIC, year=2018, blind=True)
    for label, practice_id in practices.items():
        assert awards.submit_entry(edition["id"], practice_id,
                                   submitted_by=NETWORK)["label"] == label
    jurors = {key: awards.invite_juror(edition["id"], **invitation)["id"]
              for key, invitation in JURORS.items()}
    juror, label, note = DECLARED
    awards.declare_conflict(edition["id"], jurors[juror], label, note)
    return StoryEdition(registry, edition["id"], award["id"], practices, jurors)


def juror_accounts(app) -> dict[str, Identity]:
    """An account with role juror for each of the story's jurors, by the juror's email (the
    password is the tests' ``PASSWORD``); by the story's key."""
    accounts = app.extensions["registry"].accounts
    return {key: accounts.create(SYSTEM, email=invitation["email"], name=invitation["name"],
                                 password=PASSWORD, role="juror",
                                 language=invitation["language"])
            for key, invitation in JURORS.items()}


@pytest.fixture
def jury_accounts(app) -> dict[str, Identity]:
    """The story's jurors' accounts (see ``juror_accounts``)."""
    return juror_accounts(app)
