"""common.rows.querystring, what the lists' sortable headers link to: the same query string as Django's
{% querystring %} for any query (repeated keys, accents, reserved characters), without copying it per link."""

import pytest
from django.http import QueryDict
from django.template import defaulttags
from hypothesis import given
from hypothesis import strategies as st

from common.rows import querystring

pytestmark = pytest.mark.no_database

KEYS = st.sampled_from(["tri", "page", "onglet", "q", "dispositif", "é&=?", ""])
VALUES = st.text(max_size=12)


@given(
    pairs=st.lists(st.tuples(KEYS, VALUES), max_size=6),
    sort=st.one_of(st.none(), VALUES),
    page=st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
)
def test_a_sort_link_keeps_the_query_as_querystring_does(pairs, sort, page):
    params = QueryDict(mutable=True)
    for key, value in pairs:
        params.appendlist(key, value)

    assert querystring(params, tri=sort, page=page) == defaulttags.querystring(None, params, tri=sort, page=page)
