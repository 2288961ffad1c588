"""Helpers of the wizard tests (also used by tests/browser/test_cerfa_wizard.py)."""

import html
from html.parser import HTMLParser

from django.urls import reverse

from dossiers.cerfa import FIELDS
from egestion.requests.apprenticeship.forms import STEP_SLUGS, STEPS
from egestion.requests.apprenticeship.views import readonly_fields
from funding.apprenticeship import establishment_values
from tests.dossiers.cerfa.payloads import minor_payload

# Entries of referentials/samples (load_referentials --sample).
SAMPLE_CFA_UAI = "0312101R"
SAMPLE_CFD = "50023211"  # CAP MACON, linked to RNCP37651 (active)
SAMPLE_RNCP = "RNCP37651"


def apprentice_of(company, **extra):
    """Lucas Martin, the minor apprentice of the engine's payloads, as a person of `company`."""
    from tests.factories import PersonFactory

    return PersonFactory(
        organisation=company,
        civility="m",
        last_name="Martin",
        first_name="Lucas",
        birth_date="2008-03-15",
        nir="1080335238117",
        email="lucas.martin@example.fr",
        phone="06 12 34 56 78",
        address_line1="4 allée des Peupliers",
        postal_code="35200",
        city="Rennes",
        **extra,
    )


def valid_data(establishment) -> dict:
    """A complete, valid CERFA for a draft of `establishment`: the minor payload of the engine's tests, with the
    establishment's registry fields and a CFA, diploma and certification of the referential samples."""
    data = minor_payload()
    data.update({key: value for key, value in establishment_values(establishment).items() if value})
    for key in ("employeur_adresse_numero", "employeur_adresse_indice_repetition"):
        if not establishment_values(establishment).get(key):
            data.pop(key, None)
    data.update(
        {
            "cfa_denomination": "BTP CFA HAUTE-GARONNE",
            "cfa_uai": SAMPLE_CFA_UAI,
            "cfa_siret": "44813270400017",
            "cfa_adresse_numero": "3",
            "cfa_adresse_voie": "CHEMIN DE LA CEPIERE",
            "cfa_adresse_code_postal": "31100",
            "cfa_adresse_commune": "TOULOUSE",
            "formation_code_diplome": SAMPLE_CFD,
            "formation_code_rncp": SAMPLE_RNCP,
            "formation_intitule_precis": "CAP Maçon",
            "wizard_saved_steps": list(STEP_SLUGS),
        }
    )
    return data


def step_url(draft, step) -> str:
    return reverse("egestion:request_step", kwargs={"public_id": draft.public_id, "step": step})


def text(response) -> str:
    return html.unescape(response.content.decode())


class _FormParser(HTMLParser):
    """The successful controls of one form of a page, as a browser would submit them (no submit button)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self._select = None
        self._select_value = None
        self._option_value = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.values.append((name, attrs.get("value", "on" if kind in ("radio", "checkbox") else "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_value is None or ("selected" in attrs and not self._select_value[1]):
                self._select_value = (value, "selected" in attrs)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            if self._select_value is not None:
                self.values.append((self._select, self._select_value[0]))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append(tuple(self._textarea))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data


def form_values(response, form_id="wizard-form") -> dict:
    """What the page's form submits as it is (a dict; repeated names as lists)."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    values: dict = {}
    for name, value in parser.values:
        if name in values:
            values[name] = [*values[name], value] if isinstance(values[name], list) else [values[name], value]
        else:
            values[name] = value
    return values


def submit(client, draft, step, action="save", **changes):
    """GET a step, then POST its form as a browser would, with some fields changed (None = a radio or checkbox
    left unticked) and the button `action`."""
    url = step_url(draft, step)
    values = form_values(client.get(url))
    for name, value in changes.items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    if action:
        values["action"] = action
    return client.post(url, values)


def as_posted(field_id, value):
    """A CERFA value as the wizard's form posts it."""
    cerfa_field = FIELDS[field_id]
    if cerfa_field.type == "bool":
        if cerfa_field.must_be_true:
            return "on" if value else None
        return "true" if value else "false"
    return str(value)


def type_steps(client, draft, data, slugs=None):
    """Type the steps `slugs` (all when None) of the wizard with `data`, as a user would, each ending on "Suivant"."""
    for step in STEPS:
        if not step.groups or (slugs is not None and step.slug not in slugs):
            continue
        changes = {}
        for field_id in [f for f in step.field_ids if f not in readonly_fields(draft, step.slug)]:
            if field_id in data:
                changes[field_id] = as_posted(field_id, data[field_id])
            elif FIELDS[field_id].must_be_true:
                changes[field_id] = None
        if step.slug == "formation":
            submit(client, draft, "formation", "save", q_cfa=SAMPLE_CFA_UAI)
            client.post(step_url(draft, "formation"), {"select": f"cfa:{SAMPLE_CFA_UAI}"})
            client.post(step_url(draft, "formation"), {"select": f"diplome:{SAMPLE_CFD}"})
        response = submit(client, draft, step.slug, "next", **changes)
        assert response.status_code == 302, (step.slug, response.content.decode()[:3000])
