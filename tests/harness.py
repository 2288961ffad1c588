"""Helpers of the test harness that tests and fixtures share: the media folder of a test, a world built once per
module (rolled back at the end of the module), and the "constant number of queries" check."""

import contextlib

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings


def media_settings(media_root) -> dict:
    """MEDIA_ROOT and the default storage's location, both pointing at `media_root`."""
    from django.conf import settings

    default = {**settings.STORAGES["default"], "OPTIONS": {"location": media_root, "base_url": None}}
    return {"MEDIA_ROOT": media_root, "STORAGES": {**settings.STORAGES, "default": default}}


def use_media_root(settings, media_root):
    """Uploaded and generated files of the test go to `media_root` (`settings` is pytest-django's fixture)."""
    for name, value in media_settings(media_root).items():
        setattr(settings, name, value)


@contextlib.contextmanager
def module_world(django_db_blocker, media_root):
    """Data built once for a whole module, inside a transaction rolled back when the module is done: each test
    then runs in a savepoint of its own (pytest-django's `db`), so what a test changes is undone after it.
    The files the world stores go to `media_root`: the tests of the module use it too (see `use_media_root`)."""
    with django_db_blocker.unblock(), override_settings(**media_settings(media_root)):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _queries_of(run):
    with CaptureQueriesContext(connection) as context:
        result = run()
    return result, [query["sql"] for query in context.captured_queries]


def assert_constant_queries(run, run_larger=None, *, grow=None, at_most=None, warm_up=False):
    """A page (an export, a batch) reads as many queries with more rows as with few: no query per row.

    `run()` is measured once; then `grow()` adds rows (not measured) and `run()` is measured again; or, without
    `grow`, `run_larger()` measures the same page on larger data. `at_most` bounds the first count. With
    `warm_up`, each run is made once, unmeasured, before it is measured (a session's first request does more).
    Returns what the second run returned (e.g. the response, to check the rows it shows)."""
    if warm_up:
        run()
    _, few = _queries_of(run)
    if at_most is not None:
        assert len(few) <= at_most, f"{len(few)} queries, more than {at_most}:\n" + "\n".join(few)
    if grow is not None:
        grow()
    if warm_up:
        (run_larger or run)()
    result, many = _queries_of(run_larger or run)
    assert len(many) == len(few), f"{len(few)} queries on few rows, {len(many)} on more:\n" + "\n".join(many)
    return result


def page_of(client, url, params=None):
    """A GET of the page as a function for assert_constant_queries, checking that the page answers 200."""

    def get():
        response = client.get(url, params or {})
        assert response.status_code == 200
        return response

    return get


# The sortable header as the list templates wrote it (portal/dossier_sort_header.html, included per keyed column)
# before common.rows.sort_headers: the reference the Python headers are compared with.
SORT_HEADER_REFERENCE = """{% for key, label in columns %}{% if key %}{% with desc="-"|add:key %}
<th scope="col"{% if sort == key %} aria-sort="ascending"{% elif sort == desc %} aria-sort="descending"{% endif %}>
  {% if sort == key %}{% querystring tri=desc page=None as url %}{% else %}{% querystring tri=key page=None as url %}{% endif %}
  <a class="sort-link" href="{{ url }}" hx-get="{{ url }}" hx-target="#{{ target }}" hx-swap="outerHTML" hx-push-url="true">{{ label }}{% if sort == key %} ▲{% elif sort == desc %} ▼{% endif %}</a>
</th>
{% endwith %}{% else %}<th scope="col">{{ label }}</th>{% endif %}{% endfor %}"""  # noqa: E501


def reference_sort_headers(columns, sort, request, target) -> str:
    from django.template import engines

    context = {"columns": columns, "sort": sort, "target": target}
    return engines["django"].from_string(SORT_HEADER_REFERENCE).render(context, request=request)


def end_dates_around_the_cutoff():
    """End dates of finished dossiers on each side of dossiers.models.history_cutoff() (the 6-year rule): two before
    it, the cutoff itself, the rest of its month, the next month's first day, and a recent one. The counts kept per
    end month must count the cutoff's month day by day."""
    import datetime

    from django.utils import timezone

    from dossiers.models import history_cutoff, next_month

    cutoff = history_cutoff()
    return [
        cutoff - datetime.timedelta(days=40),
        cutoff - datetime.timedelta(days=1),
        cutoff,
        cutoff + datetime.timedelta(days=1),
        next_month(cutoff) - datetime.timedelta(days=1),
        next_month(cutoff),
        timezone.localdate() - datetime.timedelta(days=3),
    ]
