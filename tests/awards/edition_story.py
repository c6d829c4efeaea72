"""The edition the done-when tests run: ORU Fogar's award, edition III (2018), blind.

Twelve real practices (the seeds and their language variants) are entered in this order, so
that they get the labels E01..E12 of the paper edition in ``test_scoring``; five jurors score
them with the ORU stand-in rubric (five criteria, 0..10, summed over the jurors). Each juror's
total for an entry is the paper edition's total, spread over the five criteria, so the hand
computation written out in ``test_scoring`` (juror means and spreads, normalised totals,
sums, both rankings) is the expected result here too.

Who scores what is the paper edition's balanced assignment, and the jurors' countries and
organisations are such that every conflict of interest falls on an entry the juror sits out:
Darío (MX) cannot score the three Mexican entries, Chloé (CO) the two Colombian ones, Ben (PT)
Porto, Eva works for the Ville de Lyon (and is French), Ana declares a conflict with Rosario.
Ben is the lenient juror (+6 points on every total), Chloé the harsh one (-6).
"""

from __future__ import annotations

from pathlib import Path

from registry.services import Registry

from .test_scoring import EDITION, NORMALISED_ORDER, NORMALISED_SUM, RAW_ORDER, RAW_SUM, TOTALS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
VARIANT_FOLDERS = [DATA / name for name in ("venice_form", "sdg_action", "oru_fogar",
                                            "relaf_newsletter")]

AWARD = "ORU Fogar Regional Good Practices Award"
RUBRIC = "oru-regional-good-practices"
CRITERIA = ("impact", "innovation", "sustainability", "transferability", "participation")

#: label -> (source document, where the practice is)
ENTRIES = {
    "E01": (SEEDS / "000_da2e544ee9705e55.txt", "San Luis Potosí, MX"),
    "E02": (SEEDS / "003_67b093e0aae3cc66.txt", "Jalisco, MX"),
    "E03": (DATA / "sdg_action" / "en_windhoek.txt", "Windhoek, NA"),
    "E04": (DATA / "venice_form" / "en_cordoba_daycare.txt", "Córdoba, AR"),
    "E05": (SEEDS / "001_3f301ab74576aebb.txt", "Medellín, CO"),
    "E06": (DATA / "venice_form" / "en_no_kpi_figures.txt", "Porto, PT"),
    "E07": (DATA / "venice_form" / "fr_lyon_logement.txt", "Lyon, FR"),
    "E08": (DATA / "oru_fogar" / "es_antioquia_rural.txt", "Antioquia, CO"),
    "E09": (DATA / "sdg_action" / "fr_dakar.txt", "Dakar, SN"),
    "E10": (DATA / "venice_form" / "es_guadalajara_crianza.txt", "Guadalajara, MX"),
    "E11": (DATA / "sdg_action" / "es_rosario.txt", "Rosario, AR"),
    "E12": (DATA / "oru_fogar" / "fr_quebec_laureate.txt", "Québec, CA"),
}
NETWORK = "Inclusive Cities for Sustainable Families network"

#: key (the juror's name in test_scoring) -> invitation
JURORS = {
    "ana": {"name": "Ana Ruiz", "email": "ana.ruiz@jury.example.org", "country": "ES",
            "organisation": "Diputació de Barcelona", "language": "es"},
    "ben": {"name": "Ben Carvalho", "email": "ben.carvalho@jury.example.org", "country": "PT",
            "organisation": "Universidade do Minho", "language": "en"},
    "chloe": {"name": "Chloé Martin", "email": "chloe.martin@jury.example.org",
              "country": "CO", "organisation": "Universidad de los Andes", "language": "fr"},
    "dario": {"name": "Darío López", "email": "dario.lopez@jury.example.org", "country": "MX",
              "organisation": "El Colegio de México", "language": "es"},
    "eva": {"name": "Eva Lefèvre", "email": "eva.lefevre@jury.example.org", "country": "FR",
            "organisation": "Ville de Lyon", "language": "fr"},
}
DECLARED = ("ana", "E11", "advised Rosario's care network in 2019")
#: every conflict: the ones found from countries and organisations, and the declared one
CONFLICTS = {
    ("ben", "E06", "same_country"), ("chloe", "E05", "same_country"),
    ("chloe", "E08", "same_country"), ("dario", "E01", "same_country"),
    ("dario", "E02", "same_country"), ("dario", "E10", "same_country"),
    ("eva", "E07", "same_country"), ("eva", "E07", "same_organisation"),
    ("ana", "E11", "declared"),
}
#: label -> the jurors who score it (the paper edition's balanced assignment)
PANELS = {label: sorted(panel) for label, panel in EDITION.items()}

#: Historic results of edition I (2016) recorded on the imported practices.
HISTORIC_I = {
    "Jalisco, MX": (489, "35"),
    "Antioquia, CO": (512, "12"),
    "Santa Fe, AR": (402, "7"),
}

__all__ = ["NORMALISED_ORDER", "NORMALISED_SUM", "RAW_ORDER", "RAW_SUM", "TOTALS"]


def entries_of(juror: str) -> list[str]:
    """The labels a juror scores in the story's assignment."""
    return [label for label, panel in PANELS.items() if juror in panel]


def marks(juror: str, label: str) -> dict[str, int]:
    """The juror's points per criterion: their paper total spread evenly over the five
    criteria (24 -> 5, 5, 5, 5, 4), so the totals are the paper edition's."""
    base, rest = divmod(TOTALS[juror][label], len(CRITERIA))
    return {c: base + (i < rest) for i, c in enumerate(CRITERIA)}


def import_practices(registry: Registry) -> dict[str, str]:
    """Import the seeds and the language variants; the practice id of each entry label."""
    results = registry.imports.import_paths([*SEED_FILES, *VARIANT_FOLDERS])
    by_path = {Path(r.path).resolve(): r.practice_ids for r in results if r.practice_ids}
    return {label: by_path[path.resolve()][0] for label, (path, _) in ENTRIES.items()}


def score_sheet(jurors: list[str] | None = None) -> str:
    """The score sheet a jury secretary types: entry, juror email, the five criteria."""
    lines = ["entry,juror," + ",".join(CRITERIA)]
    for label, panel in PANELS.items():
        for juror in panel:
            if jurors is None or juror in jurors:
                points = marks(juror, label)
                lines.append(f"{label},{JURORS[juror]['email']},"
                             + ",".join(str(points[c]) for c in CRITERIA))
    return "\n".join(lines) + "\n"
