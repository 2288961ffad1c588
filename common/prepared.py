"""Hot queries whose SQL is built once per process instead of once per request (issue 18).

Building a queryset (filters, joins, subqueries) and compiling it to SQL costs the ORM about as much as running it
on PostgreSQL: on a portal page, the memberships, the unread counters and the home page's panels spent more time in
`filter()` and `as_sql()` than in the database. A `PreparedQuery` builds its queryset once per *shape* of its
arguments, keeps the compiled SQL and the compiler's description of the rows, and afterwards only puts the new
arguments in the kept parameters. Rows still become objects through Django's own iterables (select_related,
values(), prefetch_related, from_db) — only the building and the compiling are skipped.

The builder must be a pure function of its arguments, which reach the SQL only as filter values:
- ints, strs, dates and datetimes are parameters: the same SQL serves every value;
- lists, tuples (and any other collection, read as a list) are parameters one by one: the SQL is kept per length;
- None, booleans, 0 and "" choose the shape (the builder may branch on them): the SQL is kept per value; a builder
  must not branch on any other value of an argument (stand-ins are negative numbers and odd strings).

Preparing checks this: the queryset is compiled twice, with two different sets of stand-in values, and every
parameter that differs must be exactly one of the stand-ins; a date that is not an argument (a builder calling
timezone.now() itself, which would freeze it) is refused. A builder that breaks the rule fails on its first call,
in tests.
"""

import copy
import datetime
import functools
import threading
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Value
from django.db.models.sql.query import Query

_SHAPE_VALUES = (type(None), bool)
# Distinct shapes kept per prepared query at most (a shape per page of a list, per sort...): beyond, start again.
MAX_SHAPES = 256


@dataclass(frozen=True)
class Shape:
    """An argument that chooses the SQL itself (a sort key, a portal, a page's window): the builder receives its
    value, and the SQL is kept per value."""

    value: object


_SCALARS = (int, str, datetime.date)  # datetime.datetime is a datetime.date


@dataclass(frozen=True)
class _Slot:
    """Where a parameter of the kept SQL comes from: argument `arg`, or its `item`-th element for a list."""

    arg: int
    item: int | None = None


def _chooses_the_shape(value) -> bool:
    """None, booleans, and the falsy 0 and "": a builder may branch on them (`if beneficiary_id:`), so they are
    passed as they are and the SQL is kept per value (a stand-in would be truthy and take the other branch)."""
    return isinstance(value, _SHAPE_VALUES) or (type(value) in (int, str) and not value)


def _shape(args) -> tuple:
    shape = []
    for value in args:
        if isinstance(value, Shape):
            shape.append(("shape", value.value))
        elif _chooses_the_shape(value):
            shape.append(("value", value))
        elif isinstance(value, list | tuple):
            shape.append(("list", len(value)))
        elif isinstance(value, _SCALARS):
            shape.append(("scalar", type(value)))
        else:
            raise TypeError(f"A prepared query takes ints, strs, dates, lists of them, None or booleans, not {value!r}")
    return tuple(shape)


def _stand_in(value, seed: int, position: int, *, in_list: bool = False):
    """A value of the same type as `value` that no real row or constant of a query plausibly holds."""
    if _chooses_the_shape(value) and not in_list:
        return value
    if isinstance(value, int):
        return -(10**15) - seed * 10**6 - position
    if isinstance(value, str):
        return f"\x1fprepared-{seed}-{position}"
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1111 + seed, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=position)
    return datetime.date(1111 + seed, 1, 1) + datetime.timedelta(days=position)


def _stand_ins(args, seed: int):
    """The arguments' stand-ins, and what each stand-in value stands for."""
    values, slots, position = [], {}, 0
    for arg, value in enumerate(args):
        if isinstance(value, Shape):
            values.append(value.value)
        elif isinstance(value, list | tuple):
            items = []
            for item, element in enumerate(value):
                position += 1
                items.append(_stand_in(element, seed, position, in_list=True))
                slots[items[-1]] = _Slot(arg, item)
            values.append(type(value)(items))
        else:
            position += 1
            values.append(_stand_in(value, seed, position))
            if not _chooses_the_shape(value):
                slots[values[-1]] = _Slot(arg)
    return values, slots


def _refuse_dates(name: str, params, filled) -> None:
    # A date in the kept SQL would be frozen at the first call: today's date, a 6-year cutoff, "now"...
    from_arguments = {position for position, _ in filled}
    for position, value in enumerate(params):
        if position not in from_arguments and isinstance(value, datetime.date):
            raise ImproperlyConfigured(f"{name}: a date is built into its SQL ({value}); pass it as an argument.")


def _slots(name: str, first, second, first_slots, second_slots) -> tuple[tuple[int, _Slot | None], ...]:
    """Match the parameters of the two compilations: (position, slot) for every parameter an argument fills."""
    if len(first) != len(second):
        raise ImproperlyConfigured(f"{name}: its SQL changes with the arguments' values; it cannot be prepared.")
    filled = []
    for position, (a, b) in enumerate(zip(first, second, strict=True)):
        if a == b and type(a) is type(b):
            continue
        slot = first_slots.get(a) if _hashable(a) else None
        if slot is None or (second_slots.get(b) if _hashable(b) else None) != slot:
            if isinstance(a, datetime.date):
                raise ImproperlyConfigured(f"{name}: a date is built into its SQL ({a}); pass it as an argument.")
            raise ImproperlyConfigured(
                f"{name}: parameter {position} ({a!r}) is derived from an argument, not the argument itself; "
                "it cannot be prepared."
            )
        filled.append((position, slot))
    expected = set(first_slots.values())
    if {slot for _, slot in filled} != expected:
        raise ImproperlyConfigured(f"{name}: an argument does not reach its SQL as a parameter.")
    return tuple(filled)


def _as_arguments(args) -> tuple:
    """Other collections (a set, a queryset of ids, a generator) as lists: each element is a parameter."""
    return tuple(
        list(value)
        if not isinstance(value, str | bytes | list | tuple | Shape) and hasattr(value, "__iter__")
        else value
        for value in args
    )


def _unwrapped(args):
    return [value.value if isinstance(value, Shape) else value for value in args]


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class _PinnedQuery(Query):
    """A Query whose compiler answers the kept SQL with this call's parameters (see PreparedQuery)."""

    pinned = None  # (compiler, sql, params) set on each call's clone

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        kept, sql, params = self.pinned
        compiler = copy.copy(kept)
        # The kept compiler was made on the preparing thread's connection: run on this thread's.
        compiler.connection = connection or connections[using]
        compiler.using = using or compiler.using
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        compiler.get_converters = functools.partial(_kept_converters, kept, compiler.get_converters)
        return compiler


def _kept_converters(kept, get_converters, expressions):
    """The row converters of the kept compiler's select list, worked out once: they are functions of its fields (the
    backend adds none on PostgreSQL), the same on every call. Any other list is worked out as usual."""
    select = kept.select[: kept.col_count]
    if len(expressions) != len(select) or any(e is not s[0] for e, s in zip(expressions, select, strict=False)):
        return get_converters(expressions)
    converters = kept.__dict__.get("_kept_converters")
    if converters is None:
        converters = kept._kept_converters = get_converters(expressions)
    return converters


@dataclass
class _Compiled:
    queryset: object  # the template queryset (its query a _PinnedQuery), or None when the SQL is always empty
    compiler: object
    sql: str
    params: tuple
    slots: tuple

    def params_for(self, args) -> tuple:
        params = list(self.params)
        for position, slot in self.slots:
            value = args[slot.arg]
            params[position] = value if slot.item is None else value[slot.item]
        return tuple(params)


class PreparedQuery:
    """`build(*args)` -> QuerySet, compiled once per shape of the arguments; calling it returns the list of rows
    (model instances, dicts or tuples: whatever the queryset yields)."""

    def __init__(self, build, name: str | None = None):
        self.build = build
        self.name = name or f"{build.__module__}.{build.__qualname__}"
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *args, using: str = DEFAULT_DB_ALIAS) -> list:
        args = _as_arguments(args)
        compiled = self._compiled_for(args, using)
        if compiled.queryset is None:
            return []
        queryset = compiled.queryset._chain()
        queryset.query.pinned = (compiled.compiler, compiled.sql, compiled.params_for(args))
        return list(queryset)

    def sql_with_params(self, *args, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
        """The kept SQL and this call's parameters, for a query written around it (raw SQL); ("", ()) when it is
        always empty."""
        args = _as_arguments(args)
        compiled = self._compiled_for(args, using)
        return compiled.sql, compiled.params_for(args) if compiled.queryset is not None else ()

    def first(self, *args, using: str = DEFAULT_DB_ALIAS):
        rows = self(*args, using=using)
        return rows[0] if rows else None

    def unprepared(self, *args):
        """The same rows through the ORM as usual (what tests compare a prepared query with)."""
        return list(self.build(*_unwrapped(args)))

    def _compiled_for(self, args, using) -> _Compiled:
        key = (using, _shape(args))
        compiled = self._compiled.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(key) or self._compile(args, using)
                if len(self._compiled) >= MAX_SHAPES:
                    self._compiled.clear()
                self._compiled[key] = compiled
        return compiled

    def _compile(self, args, using) -> _Compiled:
        compilations = []
        # Compiling only (no query runs): the SQL the ORM would send, for two sets of stand-ins.
        for seed in (1, 2):
            values, slots = _stand_ins(args, seed)
            queryset = self.build(*values).using(using)
            compiler = queryset.query.get_compiler(using=using)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                sql, params = "", ()
            compilations.append((queryset, compiler, sql, tuple(params), slots))
        (queryset, compiler, sql, params, slots), (_, _, other_sql, other_params, other_slots) = compilations
        if sql != other_sql:
            raise ImproperlyConfigured(
                f"{self.name}: its SQL changes with the arguments' values; it cannot be prepared."
            )
        if not sql:
            return _Compiled(None, None, "", (), ())
        filled = _slots(self.name, params, other_params, slots, other_slots)
        _refuse_dates(self.name, params, filled)
        queryset.query.__class__ = _PinnedQuery
        return _Compiled(queryset, compiler, sql, params, filled)


class PreparedAggregate:
    """`build(*args)` -> QuerySet, and the aggregates to compute on it: calling it returns what
    `build(*args).aggregate(**aggregates)` returns, the SQL kept per shape of the arguments like a PreparedQuery's
    (the aggregation is written as a one-row values() query, so that it compiles without running)."""

    def __init__(self, build, name: str | None = None, **aggregates):
        self.build = build
        self.aggregates = aggregates
        self._row = PreparedQuery(self._one_row, name=name or f"{build.__module__}.{build.__qualname__}")

    def _one_row(self, *args):
        row = (
            self.build(*args)
            .annotate(_prepared_row=Value(1))
            .values("_prepared_row")  # grouped by a constant: no GROUP BY, one row
            .annotate(**self.aggregates)
            .values(*self.aggregates)
        )
        # As aggregate() does: no ordering (a model's default one included) in a one-row aggregate.
        row.query.clear_ordering(force=True, clear_default=True)
        return row

    def __call__(self, *args, using: str = DEFAULT_DB_ALIAS) -> dict:
        row = self._row.first(*args, using=using)
        # No row: a shape Django answers without a query (e.g. an empty list), with the aggregates' empty values.
        return row if row is not None else self.unprepared(*args)

    def unprepared(self, *args) -> dict:
        return self.build(*_unwrapped(args)).aggregate(**self.aggregates)

    def sql_with_params(self, *args, using: str = DEFAULT_DB_ALIAS) -> tuple[str, tuple]:
        """The one-row statement's SQL (its columns: the aggregates, in their order) and this call's parameters,
        e.g. to read several aggregates in one statement as scalar subqueries."""
        return self._row.sql_with_params(*args, using=using)


class PreparedListing:
    """What django.core.paginator.Paginator needs of a list (count() and slicing) from a prepared count and prepared
    rows: `rows(*args, Shape(window))` returns the rows of `window` (a slice), `count(*args)` is a PreparedAggregate
    whose `n` is the number of rows, or the number itself when it is already known (a kept count)."""

    def __init__(self, rows: PreparedQuery, count: "PreparedAggregate | int", *args):
        self.rows, self.counter, self.args = rows, count, args

    def count(self) -> int:
        return self.counter if isinstance(self.counter, int) else self.counter(*self.args)["n"]

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        if window.stop is not None and window.stop <= (window.start or 0):
            return []  # an empty list's only page: nothing to read
        return self.rows(*self.args, Shape((window.start, window.stop)))


def read_together(*columns, using: str = DEFAULT_DB_ALIAS) -> list:
    """The value of each column, read in one statement (one round trip): a column is a list of (aggregate, args),
    PreparedAggregates of one aggregate each with their arguments, whose values are added up."""
    parts = [
        [(aggregate, args, aggregate.sql_with_params(*args, using=using)) for aggregate, args in column]
        for column in columns
    ]
    if not all(sql for column in parts for _, _, (sql, _) in column):
        # A shape Django answers without a query (e.g. no establishment at all): each aggregate on its own.
        return [
            sum(next(iter(aggregate(*args, using=using).values())) for aggregate, args, _ in column) for column in parts
        ]
    select = ", ".join(" + ".join(f"({sql})" for _, _, (sql, _) in column) for column in parts)
    params = [param for column in parts for _, _, (_, column_params) in column for param in column_params]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {select}", params)
        return list(cursor.fetchone())
