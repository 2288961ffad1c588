"""The back office's group matrix: for each group (and superusers), every ModelAdmin registered in the admin —
read from `admin.site._registry`, so a new model is covered the day it is registered — answers its list, add,
change, delete and history pages exactly as docs/backoffice-permissions.md says (the test reads the table from that
file), never with a 500; and the region-bound rows are hidden from a regional manager of another region."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from tests.security.admin_world import GROUPS, REGIONAL_MANAGER, build_world, staff

TABLE = Path(settings.BASE_DIR) / "docs" / "backoffice-permissions.md"
RIGHTS = {"V": "view", "A": "add", "M": "change", "S": "delete"}


def documented_rights() -> dict[str, dict]:
    """{"app.Model": {"rights": {group: set of V/A/M/S}, "region": bool}} from the table of the doc."""
    rows = {}
    header = None
    for line in TABLE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] == "Modèle":
            header = cells
            continue
        if header is None or not line.startswith("| `"):
            continue
        label = cells[0].strip("`")
        rights = {group: set(cells[header.index(group)].replace("—", "")) for group in GROUPS}
        rows[label] = {"rights": rights, "region": cells[header.index("Région")] == "oui"}
    return rows


DOC = documented_rights()


def registered() -> dict[str, type]:
    return {model._meta.label: model for model in admin.site._registry}


def test_every_registered_model_has_its_row_and_every_row_its_model():
    assert set(registered()) - set(DOC) == set(), "add these models to docs/backoffice-permissions.md"
    assert set(DOC) - set(registered()) == set(), "rows of docs/backoffice-permissions.md without an admin"
    for row in DOC.values():
        for letters in row["rights"].values():
            assert letters <= set(RIGHTS), letters


def test_every_permission_the_roles_name_exists():
    from django.contrib.auth.models import Permission

    from backoffice.roles import ROLES

    existing = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    assert {code for codes in ROLES.values() for code in codes} - existing == set()


def url(model, page, obj=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    return reverse(name, args=[obj.pk] if obj is not None else [])


def walk(client, model, obj):
    """What the admin lets this client do with `obj`: the letters V/A/M/S it answered, each page's status."""
    answered, statuses = set(), {}
    changelist = client.get(url(model, "changelist"))
    add = client.get(url(model, "add"), follow=True)  # the CSV import's "add" leads to its import page
    change = client.get(url(model, "change", obj))
    delete = client.get(url(model, "delete", obj))
    history = client.get(url(model, "history", obj))
    statuses = {
        "changelist": changelist.status_code,
        "add": add.status_code,
        "change": change.status_code,
        "delete": delete.status_code,
        "history": history.status_code,
    }
    for page, status in statuses.items():
        assert status in (200, 403), f"{model._meta.label} {page}: {status}"
    if statuses["changelist"] == statuses["change"] == statuses["history"] == 200:
        answered.add("V")
        if change.context["has_change_permission"]:
            answered.add("M")
    if statuses["add"] == 200:
        answered.add("A")
    if statuses["delete"] == 200:
        answered.add("S")
    return answered, statuses


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_gets_exactly_the_documented_rights_and_no_500(client, group):
    world = build_world()
    client.force_login(staff(group))
    mismatches = []
    for label, model in registered().items():
        expected = DOC[label]["rights"][group]
        answered, statuses = walk(client, model, world[label])
        if answered != expected:
            mismatches.append(f"{label}: documented {''.join(sorted(expected)) or '—'}, admin {statuses}")
    assert mismatches == []


def test_a_regional_manager_of_another_region_sees_none_of_the_region_bound_rows(client):
    world = build_world()
    client.force_login(staff(REGIONAL_MANAGER, regions=["NAQ"]))  # the world is in Occitanie
    leaks = []
    for label, model in registered().items():
        row = DOC[label]
        if "V" not in row["rights"][REGIONAL_MANAGER]:
            continue
        listing = client.get(url(model, "changelist"))
        change = client.get(url(model, "change", world[label]))
        shown = listing.context["cl"].result_count if listing.status_code == 200 else None
        if row["region"] and (shown != 0 or change.status_code != 302):
            leaks.append(f"{label}: {shown} row(s) listed, change page {change.status_code}")
        if not row["region"] and change.status_code != 200:
            leaks.append(f"{label} is not region-bound but answers {change.status_code}")
    assert leaks == []
    dossier = world["dossiers.Dossier"]
    page = client.get(url(type(dossier), "change", dossier), follow=True)
    assert re.search(r"n’existe pas|n'existe pas", page.text)  # like a missing object
