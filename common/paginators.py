"""A paginator for the back office's big tables, which never counts 200 000 rows on a page view:

- an unfiltered list shows PostgreSQL's estimate of the number of rows (pg_class.reltuples, kept up to date by
  autovacuum);
- a filtered list (a search, a filter) counts at most COUNT_CAP rows: a broader search shows its first
  COUNT_CAP results (pages of them), and is refined to reach the others.
"""

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

# Below this, counting a whole table is cheap and exact.
ESTIMATE_ABOVE = 50_000
COUNT_CAP = 10_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self):
        query = getattr(self.object_list, "query", None)
        if query is None:
            return super().count
        if not query.where and not query.distinct:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [query.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return self.object_list.order_by()[:COUNT_CAP].count()


class KnownCountMixin:
    """For a QuerySet class: count() (what a Paginator asks first) answers `known_count` when it is set (a list's
    tab counter, or a count kept by the database) instead of counting the rows again. Its clones (a filter, the
    page's slice, an export) do not carry it: they count as usual."""

    known_count = None

    def count(self):
        if self.known_count is not None and self._result_cache is None:
            return self.known_count
        return super().count()
