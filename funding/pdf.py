"""The filled CERFA FA13 (contrat d'apprentissage, 10103*14) as a PDF, rendered by WeasyPrint.

Every section of dossiers.cerfa.SECTIONS in the printed order, every field with its printed label; codes as
"code – libellé", booleans "oui"/"non", dates dd/mm/yyyy, amounts "1 234,56 €", the remuneration as a table of
years × periods. From a draft, a "BROUILLON — non transmis" band on every page; from a dossier, its numbers.
The back-office block ("Cadre réservé…") is always printed empty. Text only (no image, no web font, no network):
the text can be extracted and the rendering stays well under a second.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from common.formats import NBSP, format_amount, format_decimal
from common.pdf import html_to_pdf
from dossiers.cerfa import FIELDS, SECTIONS, Field, fields_in, ignored_fields, label_for, normalise
from dossiers.cerfa.fields import ORDINALS, REMUNERATION_PERIODS, REMUNERATION_YEARS, remuneration_id
from dossiers.cerfa.normalise import (
    LIEU_FORMATION_COPY,
    REPRESENTANT_ADDRESS_COPY,
    parse_date,
    parse_decimal,
)
from funding.apprenticeship import idcc_title

TITLE = "CONTRAT D'APPRENTISSAGE — cerfa n° 10103*14"
DRAFT_BAND = "BROUILLON — non transmis"
RESERVED_SECTION = "depot"
# Labels longer than this take a whole row of the section's table; the others go two by two.
WIDE_LABEL = 70


def format_value(field: Field, value: Any) -> str:
    """How a value is printed on the form ("" for an empty one); an unparseable value is printed as typed."""
    if value is None or value == "":
        return ""
    if field.type == "bool":
        return "oui" if value is True else "non" if value is False else str(value)
    if field.type == "date":
        day = parse_date(value)
        return day.strftime("%d/%m/%Y") if day else str(value)
    if field.codes:
        code = str(value)
        label = label_for(field.codes, code)
        if not label or label == code:
            return code
        # Codes that are words ("prive", "SMIC") are already in their label: the label alone reads better.
        return label if code.isalpha() and len(code) > 2 else f"{code} – {label}"
    if field.type == "decimal":
        if "€" in field.label:
            return format_amount(value)
        number = parse_decimal(value)
        if number is None:
            return str(value)
        return f"{format_decimal(number)}{NBSP}%" if "(%)" in field.label else format_decimal(number)
    if field.type == "int":
        number = parse_decimal(value)
        return format_decimal(number) if number is not None and field.id == "employeur_effectif" else str(value)
    return str(value)


def printed_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as the form shows it: normalised (derived fields filled, copies made), without the answers that
    the other answers make irrelevant (e.g. a representative for an apprentice of age)."""
    normalised = normalise(data)
    copies: set[str] = set()
    if normalised.get("representant_legal_meme_adresse") is True:
        copies |= set(REPRESENTANT_ADDRESS_COPY)
    if normalised.get("formation_cfa_est_lieu_principal") is True:
        copies |= set(LIEU_FORMATION_COPY)
    for field_id in ignored_fields(normalised) - copies:
        normalised.pop(field_id, None)
    return normalised


# The official form prints most sections in two columns; the first field of the right-hand column of each
# (the fields before it go left, the rest right; full-width lines — attestations — go below both).
RIGHT_COLUMN_FROM = {
    "employeur": "employeur_type",
    "apprenti": "apprenti_date_naissance",
    "representant_legal": "representant_legal_meme_adresse",
    "maitre_apprentissage": "maitre2_nom_naissance",
    "contrat": "contrat_duree_hebdo_heures",
    "formation": "formation_diplome_vise_code",
    "depot": "depot_date_reception",
}
# Headings of the columns, where the form has them (its numbering of the two maîtres d'apprentissage).
COLUMN_TITLES = {"maitre_apprentissage": ("Maître d'apprentissage n°1", "Maître d'apprentissage n°2")}
# The fields of the formation section the form prints below its two columns ("Organisation de la formation en CFA",
# the main place of training when it is not the CFA).
FORMATION_BELOW = ("formation_cfa_est_lieu_principal", "formation_date_", "formation_duree_", "lieu_formation_")
CHECKED, UNCHECKED = "\u2612", "\u2610"  # ☒ ☐ (DejaVu Sans has both)


def checkboxes(value: Any) -> list[dict[str, Any]]:
    """A yes/no answer as the form's two boxes: [☒ oui, ☐ non]; both empty when unanswered."""
    return [
        {"mark": CHECKED if value is True else UNCHECKED, "label": "oui"},
        {"mark": CHECKED if value is False else UNCHECKED, "label": "non"},
    ]


def _line(field: Field, values: Mapping[str, Any]) -> dict[str, Any]:
    value = values.get(field.id)
    line = {"id": field.id, "label": field.label, "value": format_value(field, value)}
    if field.type == "bool":
        line["boxes"] = checkboxes(value)
    return line


def _is_full_width(field: Field) -> bool:
    return field.must_be_true or len(field.label) > WIDE_LABEL


def _columns(section_id: str, fields: list[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """A section as the form prints it: `left`, `right` (lines of label and value) and `below` (full width)."""
    split = RIGHT_COLUMN_FROM.get(section_id)
    left: list[dict[str, Any]] = []
    right: list[dict[str, Any]] = []
    below: list[dict[str, Any]] = []
    target = left
    for field in fields:
        if field.id == split:
            target = right
        if _is_full_width(field) or (section_id == "formation" and field.id.startswith(FORMATION_BELOW)):
            below.append(_line(field, values))
        elif split is None:
            (left if len(left) <= len(right) else right).append(_line(field, values))
        else:
            target.append(_line(field, values))
    titles = COLUMN_TITLES.get(section_id, ("", ""))
    return {"left": left, "right": right, "below": below, "left_title": titles[0], "right_title": titles[1]}


def _remuneration_rows(values: Mapping[str, Any]) -> list[dict[str, str]]:
    rows = []
    for year in REMUNERATION_YEARS:
        for period in REMUNERATION_PERIODS:
            cells = {
                part: format_value(
                    FIELDS[remuneration_id(year, period, part)], values.get(remuneration_id(year, period, part))
                )
                for part in ("du", "au", "taux", "base")
            }
            rows.append({"year": f"{ORDINALS[year]} année", "period": str(period), **cells})
    return rows


def cerfa_context(data: Mapping[str, Any], *, establishment=None, dossier=None, avenant_number="") -> dict[str, Any]:
    values = printed_data(data)
    if not values.get("employeur_libelle_idcc"):
        values["employeur_libelle_idcc"] = idcc_title(values.get("employeur_code_idcc"))
    sections = []
    for section_id, title in SECTIONS.items():
        fields = fields_in(section_id)
        section: dict[str, Any] = {"id": section_id, "title": title}
        if section_id == "remuneration":
            section["remuneration"] = _remuneration_rows(values)
        elif section_id == RESERVED_SECTION:
            section["reserved"] = True
            section.update(_columns(section_id, fields, {}))
        else:
            section.update(_columns(section_id, fields, values))
        section["signatures"] = section_id == "signature"
        sections.append(section)
    submitted_at = None
    funding_request = getattr(dossier, "funding_request", None) if dossier is not None else None
    if funding_request is not None and funding_request.submitted_at:
        submitted_at = timezone.localtime(funding_request.submitted_at)
    return {
        "title": TITLE,
        "draft": dossier is None and not avenant_number,
        "draft_band": DRAFT_BAND,
        "dossier": dossier,
        "submitted_at": submitted_at,
        "establishment": establishment,
        "printed_on": timezone.localdate(),
        "sections": sections,
        "avenant_number": avenant_number,
    }


def render_cerfa_html(data: Mapping[str, Any], *, establishment=None, dossier=None, avenant_number="") -> str:
    context = cerfa_context(data, establishment=establishment, dossier=dossier, avenant_number=avenant_number)
    return render_to_string("funding/cerfa_pdf.html", context)


def render_cerfa_pdf(data: Mapping[str, Any], *, establishment=None, dossier=None, avenant_number="") -> bytes:
    """The filled CERFA as PDF bytes: a draft's (`dossier=None`: "BROUILLON — non transmis" on every page) or a
    transmitted dossier's (its numbers in the header). `establishment`: the employer, named in the header."""
    return html_to_pdf(
        render_cerfa_html(data, establishment=establishment, dossier=dossier, avenant_number=avenant_number)
    )


# --- the skills-plan request's summary ------------------------------------------------------------------------------


def plan_context(funding_request, content, estimate, *, dossier=None) -> dict[str, Any]:
    """The summary of a plan request: the training, the trainees, the modules and the funding estimate."""
    from funding.plan import TRAINING_FIELDS

    data = funding_request.data or {}
    training = []
    for training_field in TRAINING_FIELDS:
        value = data.get(training_field.id)
        if training_field.kind == "choice":
            value = dict(training_field.choices).get(value, value)
        elif training_field.kind == "date":
            parsed = parse_date(value)
            value = f"{parsed:%d/%m/%Y}" if parsed else value
        elif training_field.kind == "decimal" and parse_decimal(value) is not None:
            value = f"{format_decimal(parse_decimal(value))} h"
        training.append({"label": training_field.label, "value": value or "—"})
    return {
        "title": "DEMANDE DE PRISE EN CHARGE — Plan de développement des compétences",
        "draft": dossier is None,
        "draft_band": DRAFT_BAND,
        "dossier": dossier,
        "submitted_at": timezone.localtime(funding_request.submitted_at) if funding_request.submitted_at else None,
        "establishment": funding_request.employer_establishment,
        "printed_on": timezone.localdate(),
        "training": training,
        "content": content,
        "trainees": content.trainees,
        "modules": [(module, content.trainees_of(module)) for module in content.modules],
        "estimate": estimate,
    }


def render_plan_pdf(funding_request, content, estimate, *, dossier=None) -> bytes:
    """The plan request's summary as PDF bytes (a draft's carries the "BROUILLON" band, a dossier's its numbers)."""
    context = plan_context(funding_request, content, estimate, dossier=dossier)
    return html_to_pdf(render_to_string("funding/plan_pdf.html", context))
