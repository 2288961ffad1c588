"""Hostile input (issue 15, "Hostile input"): NUL and other control characters, line breaks in one-line fields,
huge strings and odd unicode are refused with a French message instead of a 500, and nothing is stored with a
control character; every `next` goes through one safe-redirect helper.

The findings have direct regression tests; then hypothesis posts arbitrary text to every form view of the access
matrix (tests/security/test_access_matrix.py: every URL that accepts POST), as the user it belongs to.
"""

import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.forms import CONTROL_CHARACTER_MESSAGE, LINE_BREAK_MESSAGE, CleanTextFormMixin, check_data
from common.redirects import safe_path
from egestion.requests.apprenticeship import forms as wizard
from funding import services as funding_services
from messaging.models import Message
from tests.security.test_access_matrix import MATRIX, OWNER_OF, PATTERNS, url_of
from tests.security.world import (  # noqa: F401  (module fixtures)
    _isolated_media,
    checked_tables,
    media_root_fixture,
    world_fixture,
)

NUL = "\x00"
# PostgreSQL's regular expression of what must never be stored (tab, line feed and carriage return are allowed in
# multi-line text); in JSON, the characters below U+0020 are written \u00XX.
STORED_CONTROL = r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
STORED_CONTROL_IN_JSON = r"\\u00[01][0-9a-fA-F]|[\x7f-\x9f]"


def rows_with_control_characters() -> list[str]:
    """table.column of every stored text (and JSON) holding a control character."""
    tables = set(checked_tables())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        columns = [(table, column, kind) for table, column, kind in cursor.fetchall() if table in tables]
        found = []
        for table, column, kind in columns:
            pattern = STORED_CONTROL_IN_JSON if kind == "jsonb" else STORED_CONTROL
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text ~ %s LIMIT 1',  # noqa: S608 (names from the schema)
                [pattern],
            )
            if cursor.fetchone():
                found.append(f"{table}.{column}")
    return found


# --- the helpers --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/egestion/dossiers/?page=2", "/egestion/dossiers/?page=2"),
        ("foo", "/defaut/"),  # a bare word: redirect() would look for a view of that name (500)
        ("egestion:home", "/defaut/"),
        ("//evil.example/", "/defaut/"),
        ("https://evil.example/", "/defaut/"),
        ("/\\evil.example", "/defaut/"),
        ("/egestion/\r\nSet-Cookie: x=1", "/defaut/"),
        ("/egestion/\x00", "/defaut/"),
        ("", "/defaut/"),
    ],
)
def test_safe_path_keeps_only_paths_of_this_site(candidate, expected):
    request = RequestFactory().get("/")

    assert safe_path(request, candidate, "/defaut/") == expected


def test_json_draft_values_with_control_characters_are_refused_per_field():
    with pytest.raises(ValidationError) as refused:
        check_data({"apprenti_nom": "DUPONT\x00", "apprenti_prenom": "Jean", "notes": ["ok", {"x": "\x07"}]})

    assert set(refused.value.message_dict) == {"apprenti_nom", "notes"}
    assert refused.value.message_dict["apprenti_nom"] == [CONTROL_CHARACTER_MESSAGE]


def project_form_classes():
    """Every form class the project's apps define (admin forms made on the fly by Django are not theirs)."""
    project_modules = {config.name for config in apps.get_app_configs() if not config.name.startswith("django")}
    project_modules -= {"allauth", "allauth.account", "allauth.mfa", "django_htmx", "template_partials"}
    seen, stack = set(), [forms.BaseForm]
    while stack:
        for subclass in stack.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                stack.append(subclass)
    return sorted(
        (cls for cls in seen if cls.__module__.split(".")[0] in project_modules and inspect.isclass(cls)),
        key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
    )


def test_every_form_of_the_project_cleans_its_text():
    import_all_form_modules()
    missing = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in project_form_classes()
        if not issubclass(cls, CleanTextFormMixin) and not cls.__module__.startswith("tests.")
    ]

    assert missing == [], f"forms without common.forms.CleanTextFormMixin: {missing}"


def import_all_form_modules():
    import importlib

    # Every module of the project's apps that may define a form, feature packages included (egestion/users/forms.py).
    for config in apps.get_app_configs():
        root = Path(config.path)
        if not root.is_relative_to(django_settings.BASE_DIR) or ".venv" in root.parts:
            continue
        for path in root.rglob("*.py"):
            if path.name.endswith("forms.py") or path.name in ("admin.py", "selectors.py"):
                module = ".".join(path.relative_to(root).with_suffix("").parts)
                importlib.import_module(f"{config.name}.{module}")


# --- the findings -------------------------------------------------------------------------------------------------

EDITABLE_CERFA_FIELDS = [
    field_id for step in wizard.STEPS for field_id in step.field_ids if step.groups and field_id in wizard.FIELDS
]


@pytest.mark.parametrize("field_id", EDITABLE_CERFA_FIELDS)
def test_nul_in_any_cerfa_field_is_a_clear_error(client, world, field_id):
    draft = world.cerfa_draft
    draft.refresh_from_db()
    client.force_login(world.users["owner_manager"])
    url = reverse(
        "egestion:request_step", kwargs={"public_id": draft.public_id, "step": wizard.STEP_OF_FIELD[field_id]}
    )
    before = dict(draft.data)

    response = client.post(url, {"action": "save", field_id: f"ABC{NUL}DEF", wizard.CHECKBOXES_KEY: field_id})

    draft.refresh_from_db()
    assert response.status_code in (302, 400)  # 302: a read-only field (from the establishment) is not read
    if not wizard.FIELDS[field_id].must_be_true:  # a checkbox is ticked by any value: True, nothing else stored
        assert draft.data.get(field_id) == before.get(field_id)
    assert all(NUL not in str(value) for value in draft.data.values())
    if response.status_code == 400:
        assert CONTROL_CHARACTER_MESSAGE in response.text


def test_nul_in_the_wizard_autosave_is_refused_next_to_the_field(client, world):
    draft = world.cerfa_draft
    draft.refresh_from_db()
    client.force_login(world.users["owner_manager"])
    url = reverse("egestion:request_step", kwargs={"public_id": draft.public_id, "step": "apprenti"})

    response = client.post(url, {"apprenti_nom_naissance": f"DUPONT{NUL}"}, headers={"X-Wizard-Autosave": "1"})

    assert response.status_code == 200
    assert response.json()["saved"] is False
    assert response.json()["errors"] == {"apprenti_nom_naissance": [CONTROL_CHARACTER_MESSAGE]}
    draft.refresh_from_db()
    assert "apprenti_nom_naissance" not in draft.data


def test_the_draft_service_refuses_a_nul_whoever_calls_it(world):
    with pytest.raises(ValidationError):
        funding_services.save_draft(world.cerfa_draft, {"apprenti_nom_naissance": f"X{NUL}"})


@pytest.mark.parametrize(
    ("title", "body", "field_message"),
    [
        (f"Bonjour{NUL}", "Un message.", CONTROL_CHARACTER_MESSAGE),
        ("Bonjour", f"Un{NUL} message.", CONTROL_CHARACTER_MESSAGE),
        ("Bonjour\r\nBcc: tous@exemple.fr", "Un message.", LINE_BREAK_MESSAGE),
    ],
)
def test_a_message_with_a_control_character_is_refused(client, world, title, body, field_message):
    client.force_login(world.users["owner_manager"])
    url = reverse("egestion:dossier_message_new", kwargs={"number": world.dossier.number})
    count = Message.objects.count()

    response = client.post(url, {"titre": title, "contenu": body})

    assert response.status_code == 400
    assert field_message in response.text
    assert Message.objects.count() == count


def test_a_message_body_may_hold_line_breaks(client, world):
    client.force_login(world.users["owner_manager"])
    url = reverse("egestion:dossier_message_new", kwargs={"number": world.dossier.number})

    response = client.post(url, {"titre": "Pièces", "contenu": "Bonjour,\r\n\tvoici les pièces.\r\nCordialement"})

    assert response.status_code == 302
    assert Message.objects.filter(title="Pièces", body__contains="\tvoici").exists()


@pytest.mark.parametrize("next_url", ["foo", "https://evil.example/", "//evil.example", "/\\evil.example"])
def test_the_entity_switcher_never_follows_a_foreign_or_bare_next(client, world, next_url):
    client.force_login(world.users["owner_manager"])

    response = client.post(reverse("egestion:entity"), {"etablissement": world.establishment_a.pk, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("egestion:home")


def test_the_entity_switcher_follows_a_path_of_the_portal(client, world):
    client.force_login(world.users["owner_manager"])

    response = client.post(reverse("egestion:entity"), {"etablissement": "", "next": "/egestion/dossiers/?page=2"})

    assert response["Location"] == "/egestion/dossiers/?page=2"


def test_the_consent_page_never_follows_a_bare_next(client, world):
    client.force_login(world.users["owner_manager"])

    response = client.get(reverse("accounts:consent"), {"next": "foo"})

    assert response.status_code == 302
    assert response["Location"] == reverse("egestion:home")


@pytest.mark.parametrize("name", ["Dupont\r\nBcc: tous@exemple.fr", "Dupont\nSigné : Constructys", "Du\x00pont"])
def test_a_name_with_a_line_break_or_a_nul_is_refused_before_any_email(client, world, mailoutbox, name):
    client.force_login(world.users["owner_manager"])

    response = client.post(
        reverse("egestion:user_invite"),
        {
            "civility": "MADAME",
            "last_name": name,
            "first_name": "Anne",
            "email": "anne.invitee@exemple.fr",
            "establishments": [world.establishment_a.pk],
        },
    )

    assert response.status_code in (200, 400)
    assert LINE_BREAK_MESSAGE in response.text or CONTROL_CHARACTER_MESSAGE in response.text
    assert mailoutbox == []


# --- hypothesis: arbitrary text to every form view -------------------------------------------------------------------

HOSTILE_SAMPLES = [
    NUL,
    f"ABC{NUL}",
    "\x01\x02\x1b[31m",
    "\x7f\x85\x9f",
    "ligne 1\r\nligne 2",
    "Bcc: tous@exemple.fr\r\n",
    "\u2028\u2029",
    "'; DROP TABLE accounts_user; --",
    "<script>alert(1)</script>",
    "\ufeff\u200b\u202e",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",
    "x" * 20_000,
    "9" * 400,
    "",
]
# Any unicode a browser can send (no lone surrogates: they cannot be encoded in UTF-8), control characters included.
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
    st.text(st.characters(max_codepoint=0x9F), max_size=50),
)

FORM_VIEWS = sorted(name for name in PATTERNS if name in MATRIX and MATRIX[name].post is not None)
# Fields a view reads besides those of its matrix row (the wizard's steps have many: a few of each kind).
EXTRA_FIELDS = {
    "egestion:request_step": ["employeur_denomination", "employeur_code_idcc", "employeur_nombre_salaries"],
    "egestion:plan_step": ["plan_objectif", "plan_lieu", "plan_duree_heures", "plan_date_debut"],
    "egestion:plan_module": ["teaching_cost", "start_date", "provider_siret", "q_organisme"],
    "egestion:user_invite": ["function"],
    "ogestion:user_create": ["phone", "function"],
    "invest:request_new": ["description", "co_financing_details", "lines-0-designation", "lines-0-quantity"],
}


def form_fields(name, world) -> tuple[dict, list[str]]:
    """The matrix row's plausible data, and the names of its text fields (files and choice lists keep theirs)."""
    data = MATRIX[name].post(world)
    text_fields = [key for key, value in data.items() if isinstance(value, str) and key != "action"]
    return data, sorted({*text_fields, *EXTRA_FIELDS.get(name, [])})


@pytest.mark.parametrize("name", FORM_VIEWS)
def test_arbitrary_text_to_every_form_answers_without_a_500_and_stores_no_control_character(client, world, name):
    entry = MATRIX[name]
    owner = OWNER_OF[entry.audience]
    if owner != "anonymous":
        client.force_login(world.users[owner])
    url = url_of(name, world)
    _, fields = form_fields(name, world)
    fields = fields or ["commentaire"]

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.fixed_dictionaries(dict.fromkeys(fields, hostile_text)))
    def post_hostile(values):
        data, _ = form_fields(name, world)
        response = client.post(url, {**data, **values})
        assert response.status_code < 500, f"POST {url} {values!r}: {response.status_code}"

    post_hostile()
    assert rows_with_control_characters() == []


LOOKUPS = [
    "egestion:request_lookup",
    "egestion:plan_lookup",
    "egestion:dossiers",
    "ogestion:users",
    "ogestion:dossiers",
]


@pytest.mark.parametrize("name", LOOKUPS)
def test_arbitrary_search_terms_answer_without_a_500(client, world, name):
    entry = MATRIX[name]
    client.force_login(world.users[OWNER_OF[entry.audience]])
    url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(hostile_text)
    def search(terms):
        response = client.get(url, {"q": terms}, headers={"HX-Request": "true"})
        assert response.status_code < 500, f"GET {url} q={terms!r}: {response.status_code}"

    search()


@pytest.mark.parametrize("next_url", ["foo", "https://evil.example/", "//evil.example/"])
def test_the_login_pages_never_follow_a_foreign_or_bare_next(client, world, next_url):
    from tests.factories import DEFAULT_PASSWORD

    response = client.post(
        reverse("egestion:login"),
        {"login": world.users["owner_manager"].email, "password": DEFAULT_PASSWORD, "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("egestion:home")


@pytest.mark.parametrize("number", ["²", "①", "1\x00"])
def test_a_forged_choice_that_only_looks_like_a_number_is_not_found(client, world, number):
    # "²".isdigit() is true but int("²") fails: the look-ups read numbers with isdecimal().
    client.force_login(world.users["owner_manager"])
    url = reverse("egestion:plan_step", kwargs={"public_id": world.plan_draft.public_id, "step": "stagiaires"})

    response = client.post(url, {"select": f"person:stagiaire:{number}"})

    assert response.status_code == 404
