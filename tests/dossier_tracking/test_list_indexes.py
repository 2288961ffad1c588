"""The company list reads each establishment's first rows and its tab counters from its indexes alone, whatever the
"Dispositif" filter and the sort (issue 18: reading one table page per dossier made the filtered, sorted list the
slowest, ~15 ms of SQL at 4 000 dossiers)."""

import re

import pytest
from django.db import connection

from dossiers.models import Dossier
from dossiers.selectors import COMPANY_SORTS

# What the company list filters on (dossiers.selectors._apply_common_filters and "N° de demande"); "Créé par"
# reads the users' table anyway.
FILTERED = ["scheme", "number", "request_number", "employer_establishment", "start_date", "end_date"]


def index_columns(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
        definition = cursor.fetchone()[0]
    keys, _, included = definition.partition(" INCLUDE ")
    columns = re.findall(r"\((.*?)\)", keys)[0] + "," + (re.findall(r"\((.*?)\)", included) or [""])[0]
    return {column.strip().split(" ")[0] for column in columns.split(",") if column.strip()}


def column(path):
    """The dossier's column a sort or filter reads first ("provider_establishment__name" reads the key)."""
    return Dossier._meta.get_field(path.split("__")[0]).column


@pytest.mark.parametrize("index", ["dossier_employer_open", "dossier_employer_finished"])
def test_each_establishments_first_rows_are_read_from_the_index_for_every_filter_and_sort(index):
    wanted = {column(path) for fields in COMPANY_SORTS.values() for path in fields} | {column(f) for f in FILTERED}
    # The 6-year rule of the scope reads the status and the end date.
    wanted |= {"status", "end_date"}
    assert wanted <= index_columns(index)


def key_columns(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
        keys = cursor.fetchone()[0].partition(" INCLUDE ")[0]
    return [column.strip().split(" ")[0] for column in re.findall(r"\((.*?)\)", keys)[0].split(",")]


def test_the_tab_counters_of_a_filtered_list_are_read_from_the_index():
    assert {"employer_establishment_id", "status", "end_date", "scheme"} <= index_columns(
        "dossier_employer_scheme_counts"
    )
    # Filtered by "Dispositif", they read that scheme's entries only.
    assert key_columns("dossier_employer_scheme_counts")[:2] == ["employer_establishment_id", "scheme"]


def test_the_kept_counters_read_the_dossiers_of_the_cutoffs_month_by_their_end_date():
    assert key_columns("dossier_employer_finished_on") == ["employer_establishment_id", "end_date"]
