"""A fourth rubric, given as a dict rather than YAML: an award for family-policy practices
scored against the Venice Declaration. It uses what the shipped rubrics do not: per-criterion
maximum points, N/A for one criterion and the median over jurors.
"""

from __future__ import annotations

from registry.hookspecs import hookimpl

RUBRIC = {
    "id": "inclusive-cities-family-award",
    "title": {
        "en": "Inclusive Cities for Sustainable Families Award",
        "es": "Premio Ciudades Inclusivas para Familias Sostenibles",
        "fr": "Prix Villes inclusives pour des familles durables",
    },
    "source": {"title": "Test fixture: an award invented for the plugin test", "url": None},
    "scale": {"min": 0, "max": 10, "step": 0.5},
    "aggregate": "median",
    "criteria": [
        {
            "id": "family_outcomes",
            "weight": 2,
            "label": {"en": "Outcomes for families", "es": "Resultados para las familias",
                      "fr": "Résultats pour les familles"},
        },
        {
            "id": "declaration_fit",
            "max_points": 5,
            "label": {"en": "Fit with the Venice Declaration",
                      "es": "Adecuación a la Declaración de Venecia",
                      "fr": "Adéquation à la Déclaration de Venise"},
        },
        {
            "id": "cost_per_family",
            "allow_na": True,
            "label": {"en": "Cost per family", "es": "Coste por familia",
                      "fr": "Coût par famille"},
        },
    ],
}


@hookimpl
def registry_rubrics() -> list[dict]:
    """The family-policy rubric, to show a rubric arrives without touching the core."""
    return [RUBRIC]
