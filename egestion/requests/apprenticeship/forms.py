"""The CERFA FA13 wizard of "Faire une demande de prise en charge": its steps, the forms built from the rule engine's
field metadata (dossiers.cerfa.FIELDS). What a look-up choice copies into a draft is funding/apprenticeship.py.

A step is a list of field groups; each field is rendered from its `Field` (label, type, code list, requirement) and
saved as the rule engine expects it (ISO dates, codes as strings, booleans, ints, decimals as strings). Nothing is
rejected when saving: a value the engine refuses is kept as typed, and the engine's message says what to fix.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms

from common.forms import CleanTextFormMixin
from dossiers.cerfa import CODES, FIELDS, normalise
from dossiers.cerfa.codes import AVENANT_TYPES, SUCCESSION_CONTRACT_TYPES
from dossiers.cerfa.dates import age_on
from dossiers.cerfa.normalise import parse_date
from egestion.requests.common import Group, Step
from funding.apprenticeship import REMUNERATION_FIELDS, address_fields

MAITRE_PARTS = (
    "nom_naissance",
    "prenom",
    "date_naissance",
    "courriel",
    "emploi_occupe",
    "diplome_intitule",
    "niveau_diplome",
)


STEPS: tuple[Step, ...] = (
    Step(
        "employeur",
        "Employeur",
        (
            Group("mode", "Mode contractuel de l'apprentissage", ("mode_contractuel",)),
            Group(
                "etablissement",
                "Établissement d'exécution du contrat",
                ("employeur_denomination", "employeur_siret", *address_fields("employeur_adresse")),
                intro="Ces informations viennent de votre établissement : elles ne sont pas modifiables ici.",
            ),
            Group(
                "contact",
                "Personne à contacter",
                ("employeur_telephone", "employeur_courriel"),
                lookups=("employeur",),
                intro="Recherchez la personne à contacter parmi les personnes de votre entreprise, ou créez-la ; "
                "vérifiez ensuite son téléphone et son courriel.",
            ),
            Group(
                "employeur",
                "Informations de l'employeur",
                (
                    "employeur_prive_public",
                    "employeur_type",
                    "employeur_specifique",
                    "employeur_code_naf",
                    "employeur_effectif",
                    "employeur_code_idcc",
                ),
            ),
            Group(
                "public",
                "Employeur public",
                ("employeur_regime_assurance_chomage_public",),
                condition="public_employer",
            ),
        ),
    ),
    Step(
        "apprenti",
        "Apprenti(e)",
        (
            Group(
                "identite",
                "Identité de l'apprenti(e)",
                (
                    "apprenti_nom_naissance",
                    "apprenti_nom_usage",
                    "apprenti_prenom",
                    "apprenti_sexe",
                    "apprenti_date_naissance",
                    "apprenti_departement_naissance",
                    "apprenti_commune_naissance",
                    "apprenti_nir",
                    "apprenti_nationalite",
                    "apprenti_regime_social",
                ),
                lookups=("apprenti",),
                intro="Recherchez l'apprenti(e) parmi les personnes de votre entreprise, ou créez sa fiche.",
            ),
            Group(
                "coordonnees",
                "Coordonnées de l'apprenti(e)",
                (*address_fields("apprenti_adresse"), "apprenti_telephone", "apprenti_courriel"),
            ),
            Group(
                "situation",
                "Situation de l'apprenti(e)",
                (
                    "apprenti_sportif_haut_niveau",
                    "apprenti_rqth",
                    "apprenti_equivalence_jeunes",
                    "apprenti_extension_boe",
                    "apprenti_projet_creation_reprise",
                    "apprenti_meme_diplome_apres_echec",
                    "apprenti_situation_avant_contrat",
                    "apprenti_dernier_diplome_prepare",
                    "apprenti_derniere_classe",
                    "apprenti_intitule_dernier_diplome",
                    "apprenti_diplome_plus_eleve",
                ),
            ),
            Group(
                "mineur",
                "Apprenti(e) mineur(e)",
                ("apprenti_mineur_non_emancipe",),
                condition="minor",
                intro="L'apprenti(e) est mineur(e) à la date de conclusion du contrat.",
            ),
            Group(
                "representant",
                "Représentant légal (apprenti(e) mineur(e) non émancipé(e))",
                (
                    "representant_legal_nom_naissance",
                    "representant_legal_prenom",
                    "representant_legal_courriel",
                    "representant_legal_meme_adresse",
                ),
                condition="representative",
            ),
            Group(
                "representant_adresse",
                "Adresse du représentant légal",
                address_fields("representant_legal_adresse", indice=False),
                condition="representative_address",
            ),
        ),
    ),
    Step(
        "maitres",
        "Maître(s) d'apprentissage",
        (
            Group(
                "maitre1",
                "Maître d'apprentissage n°1",
                tuple(f"maitre1_{part}" for part in MAITRE_PARTS),
                lookups=("maitre1",),
            ),
            Group(
                "maitre2",
                "Maître d'apprentissage n°2 (facultatif)",
                tuple(f"maitre2_{part}" for part in MAITRE_PARTS),
                lookups=("maitre2",),
                intro="Un second maître d'apprentissage peut être indiqué : tous ses champs deviennent alors "
                "obligatoires.",
                optional_block=True,
            ),
            Group(
                "attestation_maitre",
                "Attestation de l'employeur",
                ("employeur_atteste_eligibilite_maitre",),
                intro="Case à cocher obligatoirement pour la validation du dossier.",
            ),
        ),
    ),
    Step(
        "contrat",
        "Contrat",
        (
            Group(
                "type",
                "Type de contrat",
                ("contrat_type", "contrat_type_derogation"),
            ),
            Group(
                "precedent",
                "Contrat précédent",
                ("contrat_numero_precedent",),
                condition="previous_contract",
            ),
            Group(
                "succession",
                "Rémunération du contrat précédent",
                ("contrat_precedent_dernier_taux",),
                condition="succession",
            ),
            Group(
                "dates",
                "Dates du contrat",
                (
                    "contrat_date_conclusion",
                    "contrat_date_debut_execution",
                    "contrat_date_debut_formation_pratique",
                    "contrat_date_fin",
                ),
                intro="La date de conclusion (signature du contrat) ne peut pas être postérieure à la date de début "
                "d'exécution du contrat.",
            ),
            Group("avenant", "Avenant", ("contrat_date_effet_avenant",), condition="avenant"),
            Group(
                "temps",
                "Temps de travail",
                ("contrat_duree_hebdo_heures", "contrat_duree_hebdo_minutes", "contrat_travail_risque"),
            ),
            Group(
                "derogation_horaire",
                "Apprenti(e) mineur(e) au début du contrat",
                ("contrat_derogation_horaire_mineur",),
                condition="minor_at_start",
            ),
            Group("smc", "Salaire minimum conventionnel", ("contrat_smc_montant",), condition="smc"),
            Group(
                "remuneration",
                "Rémunération",
                REMUNERATION_FIELDS,
                intro="Une ligne par année d'exécution du contrat, et une seconde période quand l'apprenti(e) change "
                "de tranche d'âge dans l'année. Les lignes sont proposées au minimum légal : vous pouvez augmenter "
                "un taux, jamais le baisser.",
            ),
            Group(
                "salaire",
                "Salaire et avantages",
                (
                    "contrat_salaire_brut_embauche",
                    "contrat_caisse_retraite_complementaire",
                    "contrat_avantage_nourriture",
                    "contrat_avantage_logement",
                    "contrat_avantage_autre",
                ),
            ),
        ),
    ),
    Step(
        "formation",
        "Formation",
        (
            Group(
                "cfa",
                "CFA responsable",
                (
                    "formation_cfa_entreprise",
                    "cfa_denomination",
                    "cfa_uai",
                    "cfa_siret",
                    *address_fields("cfa_adresse", indice=False),
                ),
                lookups=("cfa",),
                intro="Recherchez le CFA par son code UAI ou son nom : ses informations se remplissent alors et ne "
                "sont pas modifiables.",
            ),
            Group(
                "diplome",
                "Diplôme ou titre visé",
                (
                    "formation_diplome_vise_code",
                    "formation_code_diplome",
                    "formation_code_rncp",
                    "formation_intitule_precis",
                ),
                lookups=("diplome", "rncp"),
            ),
            Group(
                "organisation",
                "Organisation de la formation",
                (
                    "formation_date_debut",
                    "formation_date_fin_epreuves",
                    "formation_duree_heures",
                    "formation_duree_heures_distance",
                    "formation_cfa_est_lieu_principal",
                ),
            ),
            Group(
                "lieu",
                "Lieu principal de formation (s'il est différent du CFA responsable)",
                (
                    "lieu_formation_denomination",
                    "lieu_formation_uai",
                    "lieu_formation_siret",
                    *address_fields("lieu_formation_adresse", indice=False),
                ),
                condition="training_place",
            ),
        ),
    ),
    Step(
        "validation",
        "Valider",
        (
            Group(
                "signature",
                "Validation de la demande",
                ("employeur_atteste_pieces_justificatives", "signature_fait_a"),
            ),
        ),
        intro="Indiquez le lieu de signature. La date « Fait le » est la date de conclusion du contrat : elle n'est "
        "pas modifiable.",
    ),
    Step(
        "documents",
        "Documents",
        intro="Chargez au minimum le CERFA signé et la convention de formation signée : PDF, JPEG ou PNG, 10 Mo au "
        "plus chacun.",
    ),
    Step("transmettre", "Transmettre"),
)


STEPS_BY_SLUG: dict[str, Step] = {step.slug: step for step in STEPS}


STEP_SLUGS: tuple[str, ...] = tuple(STEPS_BY_SLUG)


FIRST_STEP = STEPS[0].slug


# Which step asks each field, for the links of the transmission summary.
STEP_OF_FIELD: dict[str, str] = {field_id: step.slug for step in STEPS for field_id in step.field_ids}


STEP_OF_FIELD.update({"signature_fait_le": "validation", "employeur_libelle_idcc": "employeur"})


# A portal-only key of the draft's data: the steps the user has saved at least once (their errors are then shown).
SAVED_STEPS_KEY = "wizard_saved_steps"


def step_index(slug: str) -> int:
    return STEP_SLUGS.index(slug)


def previous_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index - 1] if index > 0 else None


def next_step(slug: str) -> str | None:
    index = step_index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def conditions(data: dict, *, today: date | None = None) -> dict[str, bool]:
    """The conditional blocks of the form that apply to these answers (same derivations as the rule engine: the
    minor flag is the apprentice's age at the conclusion date; before that date is known, at the start of the
    contract, or today)."""
    today = today or date.today()
    values = normalise(data)
    birth = parse_date(values.get("apprenti_date_naissance"))
    start = parse_date(values.get("contrat_date_debut_execution"))
    end = parse_date(values.get("contrat_date_fin"))
    minor = values.get("apprenti_mineur")
    if minor is None and birth:
        minor = age_on(birth, start or today) < 18
    minor = bool(minor)
    representative = minor and values.get("apprenti_mineur_non_emancipe") is True
    contract_type = values.get("contrat_type")
    return {
        "public_employer": values.get("employeur_prive_public") == "public",
        "minor": minor,
        "representative": representative,
        "representative_address": representative and values.get("representant_legal_meme_adresse") is False,
        "previous_contract": contract_type in SUCCESSION_CONTRACT_TYPES | AVENANT_TYPES,
        "succession": contract_type in SUCCESSION_CONTRACT_TYPES,
        "avenant": contract_type in AVENANT_TYPES,
        "minor_at_start": bool(birth and age_on(birth, start or today) < 18),
        "smc": bool(birth and end and age_on(birth, end) >= 21),
        "training_place": values.get("formation_cfa_est_lieu_principal") is False,
    }


BOOL_CHOICES = [("true", "Oui"), ("false", "Non")]


# Closed code lists this short are radio buttons; longer ones a select.
RADIO_MAX_CHOICES = 4


_CODE_PREFIXED = re.compile(r"^(\d+|\d[AB])$")


def _option_label(code: str, label: str) -> str:
    return f"{code} – {label}" if _CODE_PREFIXED.match(code) else label


def _select_choices(list_name: str):
    code_list = CODES[list_name]
    groups = code_list.grouped_choices()
    empty = [("", "Choisir…")]
    if len(groups) == 1 and not groups[0][0]:
        return empty + [(code, _option_label(code, label)) for code, label in groups[0][1]]
    return empty + [
        (group or "Autres", [(code, _option_label(code, label)) for code, label in entries])
        for group, entries in groups
    ]


def uses_radios(cerfa_field) -> bool:
    return (
        cerfa_field.type == "code"
        and cerfa_field.closed_list
        and len(CODES[cerfa_field.codes]) <= RADIO_MAX_CHOICES
        and not cerfa_field.id.startswith("remuneration_")
    )


def form_field_for(cerfa_field, *, readonly: bool = False) -> forms.Field:
    """The Django form field (never required, never validating: the rule engine judges) and widget of a CERFA field."""
    attrs: dict = {}
    if readonly:
        attrs["readonly"] = True
    kind = cerfa_field.type
    if kind == "bool" and cerfa_field.must_be_true:
        widget = forms.CheckboxInput(attrs=attrs)
        return forms.BooleanField(required=False, widget=widget)
    if kind == "bool":
        return forms.CharField(required=False, widget=forms.RadioSelect(attrs=attrs, choices=BOOL_CHOICES))
    if kind == "date":
        widget = forms.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d")
    elif kind == "int":
        low, high = cerfa_field.min_value, cerfa_field.max_value
        attrs.update({"inputmode": "numeric", "step": "1"})
        if low is not None:
            attrs["min"] = str(low)
        if high is not None:
            attrs["max"] = str(high)
        widget = forms.NumberInput(attrs=attrs)
    elif kind == "decimal":
        widget = forms.TextInput(attrs={**attrs, "inputmode": "decimal", "autocomplete": "off"})
    elif kind == "code" and cerfa_field.closed_list:
        choices = _select_choices(cerfa_field.codes)
        if cerfa_field.codes == "base_remuneration":  # in the remuneration table: SMIC or SMC
            choices = [("", "Choisir…"), *((code, code) for code in CODES[cerfa_field.codes].codes)]
        if uses_radios(cerfa_field):
            widget = forms.RadioSelect(attrs=attrs, choices=choices[1:])
        else:
            widget = forms.Select(attrs=attrs, choices=choices)
    else:
        if cerfa_field.max_length:
            attrs["maxlength"] = str(cerfa_field.max_length)
        if cerfa_field.codes:  # an open list: suggestions, free text allowed
            attrs["list"] = f"{cerfa_field.id}-options"
        if cerfa_field.format == "email":
            attrs.update({"type": "email", "autocomplete": "off", "spellcheck": "false"})
        elif cerfa_field.format == "telephone":
            attrs.update({"type": "tel", "autocomplete": "off"})
        elif cerfa_field.format in ("siret", "uai", "nir", "code_postal", "naf", "idcc", "rncp", "cfd"):
            attrs.update({"autocomplete": "off", "spellcheck": "false"})
        widget = forms.TextInput(attrs=attrs)
    return forms.CharField(required=False, widget=widget)


def initial_value(cerfa_field, value):
    if value is None:
        return None
    if cerfa_field.type == "bool":
        if cerfa_field.must_be_true:
            return value is True
        return "true" if value is True else "false" if value is False else str(value)
    return str(value)


class StepForm(CleanTextFormMixin, forms.Form):
    """The fields of one step, unbound: initial values from the draft, ids equal to the CERFA field ids (the error
    summary links to `#<field id>`). `readonly`: fields filled from a referential or the establishment."""

    def __init__(self, step: Step, data: dict, *, readonly: frozenset[str] = frozenset()):
        super().__init__(auto_id="%s", initial={})
        self.step = step
        for field_id in step.field_ids:
            cerfa_field = FIELDS[field_id]
            self.fields[field_id] = form_field_for(cerfa_field, readonly=field_id in readonly)
            self.fields[field_id].label = cerfa_field.label
            self.initial[field_id] = initial_value(cerfa_field, data.get(field_id))


_INT_RE = re.compile(r"^[+-]?\d+$")


def _decimal_text(raw: str) -> str:
    """ "1 801,80" → "1801.80"; anything that is not a number is kept as typed (the engine will say why)."""
    compact = re.sub(r"\s", "", raw).replace(",", ".")
    try:
        Decimal(compact)
    except InvalidOperation:
        return raw
    return compact


CHECKBOXES_KEY = "wizard_checkboxes"


def value_from_post(cerfa_field, post) -> object:
    """The value of a field as the draft stores it; None when empty (the draft then forgets the field)."""
    if cerfa_field.type == "bool" and cerfa_field.must_be_true:
        return post.get(cerfa_field.id) not in (None, "", "false", "off")
    raw = post.get(cerfa_field.id, "").strip()
    if not raw:
        return None
    if cerfa_field.type == "bool":
        return {"true": True, "false": False}.get(raw, raw)
    if cerfa_field.type == "int" and _INT_RE.match(raw):
        return int(raw)
    if cerfa_field.type == "decimal":
        return _decimal_text(raw)
    return raw


def values_from_post(step: Step, post, *, readonly: frozenset[str] = frozenset()) -> dict:
    """The editable fields of the step the POST carries (an emptied one as None, so that clearing is saved); a field
    the POST does not carry keeps its value. A checkbox is sent only when ticked: the form lists its checkboxes
    (CHECKBOXES_KEY), so that an unticked one is saved as False."""
    checkboxes = set(post.getlist(CHECKBOXES_KEY))
    values = {}
    for field_id in step.field_ids:
        if field_id in readonly:
            continue
        cerfa_field = FIELDS[field_id]
        if field_id in post or (cerfa_field.must_be_true and field_id in checkboxes):
            values[field_id] = value_from_post(cerfa_field, post)
    return values


PERSON_TARGET_STEP = {"employeur": "employeur", "apprenti": "apprenti", "maitre1": "maitres", "maitre2": "maitres"}
