"""The filled CERFA as PDF: every section in order, every label, codes with their labels, French formats, the
remuneration table, the draft band or the dossier's numbers. Checked on the text pdftotext extracts."""

import re
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest

from common.formats import format_amount, format_decimal
from dossiers.cerfa import FIELDS, SECTIONS, fields_in
from funding.pdf import DRAFT_BAND, TITLE, format_value, render_cerfa_pdf
from tests.dossiers.cerfa.payloads import EMPLOYER_SIRET, adult_payload, minor_payload
from tests.factories import DossierFactory
from tests.funding.conftest import apprenticeship_payload


def text_of(content: bytes) -> str:
    """The PDF's text with every run of white space (line breaks, no-break spaces) as one space."""
    assert content.startswith(b"%PDF-")
    raw = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", raw)


def near(text: str, label: str, value: str, distance: int = 40) -> bool:
    """Whether `value` is printed next to `label` (pdftotext may put a one-line value before a two-line label)."""
    for match in re.finditer(re.escape(label), text):
        if value in text[max(0, match.start() - distance - len(value)) : match.end() + distance + len(value)]:
            return True
    return False


EMPLOYER = SimpleNamespace(name="MAÇONNERIE DURAND ET FILS", siret=EMPLOYER_SIRET)
_rendered: dict[str, str] = {}


@pytest.fixture
def draft_text(request):
    """The text of the complete draft's CERFA, rendered once for the module (the tests only read it)."""
    if "draft" not in _rendered:
        request.getfixturevalue("sample_referentials")  # the IDCC title comes from the KALI referential
        _rendered["draft"] = text_of(render_cerfa_pdf(minor_payload(), establishment=EMPLOYER))
    return _rendered["draft"]


def test_title_and_draft_band(draft_text):
    assert TITLE in draft_text
    assert "cerfa n° 10103*14" in draft_text
    assert DRAFT_BAND in draft_text
    assert "MAÇONNERIE DURAND ET FILS (SIRET 44123456400017)" in draft_text


def test_every_section_in_the_official_order(draft_text):
    positions = [draft_text.find(title.upper()) for title in SECTIONS.values()]

    assert -1 not in positions, [title for title, at in zip(SECTIONS.values(), positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_every_field_label_is_printed(draft_text):
    remuneration = {field.id for field in fields_in("remuneration")}
    missing = [
        field.label for field in FIELDS.values() if field.id not in remuneration and field.label not in draft_text
    ]

    assert missing == []


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("N° SIRET de l'établissement d'exécution du contrat", EMPLOYER_SIRET),
        ("Mode contractuel de l'apprentissage", "1 – À durée limitée"),
        ("Employeur privé ou public", "Employeur privé"),
        ("Type d'employeur", "11 – Entreprise inscrite au répertoire des métiers"),
        ("Département de naissance", "35 – Ille-et-Vilaine"),
        ("Nationalité", "1 – Française"),
        ("Sexe", "M – Masculin"),
        ("Date de naissance", "15/03/2008"),
        ("Déclare bénéficier de la reconnaissance travailleur handicapé", "non"),
        ("Apprenti(e) mineur(e) non émancipé(e)", "oui"),
        ("Type de contrat ou d'avenant", "11 – Premier contrat d'apprentissage de l'apprenti"),
        ("Date de conclusion (date de signature du présent contrat)", "25/08/2025"),
        ("Salaire brut mensuel à l'embauche (€)", "720,72 €"),
        ("Diplôme ou titre visé par l'apprenti(e)", "33 – CAP"),
        ("Code RNCP", "RNCP34862"),
        ("Durée de la formation (heures)", "840"),
        ("Libellé de la convention collective", "Convention collective nationale des ouvriers"),  # from KALI
        ("Fait le", "25/08/2025"),  # derived: the date of conclusion
    ],
)
def test_values_are_printed_by_their_labels(draft_text, label, value):
    assert near(draft_text, label, value)


def test_the_representative_address_is_the_apprentices(draft_text):
    assert "Adresse du représentant légal : voie allée des Peupliers" in draft_text


def test_the_remuneration_table(draft_text):
    assert "Année Période Du Au Taux Base" in draft_text
    assert "1re année 1 01/09/2025 31/03/2026 40 % SMIC (salaire minimum interprofessionnel de croissance)" in (
        draft_text
    )
    assert "1re année 2 01/04/2026 31/08/2026 50 %" in draft_text
    assert "2e année 1 01/09/2026 31/08/2027 60 %" in draft_text
    assert "4e année 2" in draft_text  # every row of the form, empty ones too


def test_the_reserved_block_is_printed_empty(establishment):
    data = apprenticeship_payload(establishment, depot_numero="035202508000123", depot_organisme_nom="Constructys")

    text = text_of(render_cerfa_pdf(data))

    assert "CADRE RÉSERVÉ À L'ORGANISME EN CHARGE DU DÉPÔT DU CONTRAT" in text
    assert "N° de dépôt" in text
    assert "035202508000123" not in text and "Nom de l'organisme Constructys" not in text


def test_answers_made_irrelevant_are_not_printed(establishment):
    # An adult apprentice: a representative typed earlier (when the birth date was wrong) is not on the contract.
    data = {**adult_payload(), "representant_legal_nom_naissance": "Oublié", "representant_legal_prenom": "Resté"}

    text = text_of(render_cerfa_pdf(data))

    assert "Nom de naissance du représentant légal" in text
    assert "Oublié" not in text and "Resté" not in text


def test_from_a_dossier_the_numbers_and_no_draft_band(establishment):
    dossier = DossierFactory(number="9930000123.01", request_number="2100123", employer_establishment=establishment)

    text = text_of(
        render_cerfa_pdf(apprenticeship_payload(establishment), establishment=establishment, dossier=dossier)
    )

    assert "Dossier n° 9930000123.01 — Demande n° 2100123" in text
    assert "BROUILLON" not in text


def test_what_the_user_typed_is_printed_as_text(establishment):
    data = apprenticeship_payload(establishment, employeur_denomination="<b>Durand</b> & Fils")

    text = text_of(render_cerfa_pdf(data))

    assert "<b>Durand</b> & Fils" in text


def test_an_empty_draft_renders(establishment):
    text = text_of(render_cerfa_pdf({}, establishment=establishment))

    assert "Nom de naissance de l'apprenti(e)" in text and DRAFT_BAND in text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1234.56", "1 234,56 €"), ("720.72", "720,72 €"), (0, "0,00 €"), ("1801,8", "1 801,80 €"), ("abc", "abc")],
)
def test_amounts_in_french(value, expected):
    assert format_amount(value).replace("\u00a0", " ") == expected


def test_numbers_and_rates_in_french():
    assert format_decimal(Decimal("1234567.50")) == "1\u00a0234\u00a0567,5"
    assert format_value(FIELDS["remuneration_1_1_taux"], "53.5") == "53,5\u00a0%"
    assert format_value(FIELDS["employeur_effectif"], 1250) == "1\u00a0250"
    assert format_value(FIELDS["apprenti_rqth"], True) == "oui"
    assert format_value(FIELDS["contrat_date_fin"], "2027-08-31") == "31/08/2027"
    assert format_value(FIELDS["contrat_date_fin"], "31 août") == "31 août"  # unparseable: as typed
    assert format_value(FIELDS["apprenti_nir"], None) == ""


def test_the_retake_after_failure_answer_is_printed_with_the_apprentice(establishment):
    # Portal-only answer (L. 6222-11): printed in the apprentice's section, like the other age-limit answers.
    data = apprenticeship_payload(establishment, apprenti_meme_diplome_apres_echec=True)

    text = text_of(render_cerfa_pdf(data))

    label = "L'apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre employeur"
    assert near(text, label, "oui")
    assert text.find("L'APPRENTI(E)") < text.find(label) < text.find("REPRÉSENTANT LÉGAL")


def test_laid_out_as_the_official_form(draft_text):
    # Yes/no answers as the form's check boxes, the two maîtres d'apprentissage numbered side by side, the three
    # signature boxes: what a case manager recognises of the 10103*14.
    assert near(draft_text, "Déclare bénéficier de la reconnaissance travailleur handicapé", "☐ oui ☒ non")
    assert near(draft_text, "Apprenti(e) mineur(e) non émancipé(e)", "☒ oui ☐ non")
    first, second = draft_text.find("Maître d'apprentissage n°1"), draft_text.find("Maître d'apprentissage n°2")
    assert draft_text.find("LE MAÎTRE D'APPRENTISSAGE") < first < second < draft_text.find("LE CONTRAT")
    signatures = draft_text[draft_text.find("ATTESTATIONS ET SIGNATURE") :]
    for box in (
        "Signature de l'employeur",
        "Signature de l'apprenti(e)",
        "Signature du représentant légal de l'apprenti(e) mineur(e)",
    ):
        assert box in signatures
