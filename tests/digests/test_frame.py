"""The digest's frame rendered once per shape (digests.frame) gives the emails the templates give, byte for byte:
greeting, escaping of what users typed, parts, portal links, the test flag, the unsubscribe link."""

import datetime
from unittest import mock

import pytest

from digests import frame, services
from digests.services import DigestContent, DossierNews

pytestmark = pytest.mark.no_database


def news(part, number, items, trainees="Ana <Diaz> & Léo"):
    return DossierNews(
        part=part,
        number=number,
        trainees=trainees,
        provider="CFA « Bâtiment » & Co",
        title="Maçon <b>",
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 6, 30),
        items=items,
    )


CONTENTS = {
    "messages": lambda: DigestContent(
        messages=[news("messages", "31-1", ["Pièce <manquante>", "R&D"]), news("messages", "31-2", ["Relance"])],
        documents=[],
    ),
    "one message": lambda: DigestContent(messages=[news("messages", "31-1", ["Relance"], trainees="")], documents=[]),
    "documents": lambda: DigestContent(messages=[], documents=[news("documents", "31-3", ["Accord <PEC>.pdf"])]),
    "everything": lambda: DigestContent(
        messages=[news("messages", "31-1", ["Relance"])],
        documents=[news("documents", "31-1", ["a.pdf", "b.pdf"])],
        invoices=[news("invoices", "31-4", ["Facture n° F-1 : Rejetée : <motif> & co"])],
    ),
    "invoices": lambda: DigestContent(
        messages=[], documents=[], invoices=[news("invoices", "31-4", ["Facture n° F-1 : Validée"])] * 2
    ),
}


def both_ways(**kwargs):
    from_frame = services.build_digest_email(**kwargs)
    with mock.patch.object(frame, "render", lambda context: None):  # every email through the templates
        from_templates = services.build_digest_email(**kwargs)
    return from_frame, from_templates


@pytest.mark.parametrize("shape", list(CONTENTS))
@pytest.mark.parametrize("first_name", ["", "Zoé <script>&amp;", "\x00first_name\x00"])
@pytest.mark.parametrize("in_egestion", [True, False])
@pytest.mark.parametrize("test", [False, True])
def test_the_frame_rendered_once_gives_the_templates_output(shape, first_name, in_egestion, test):
    kwargs = {"user_id": 42, "email": "zoe@example.fr", "first_name": first_name, "in_egestion": in_egestion}
    from_frame, from_templates = both_ways(**kwargs, content=CONTENTS[shape](), test=test)

    assert from_frame.subject == from_templates.subject
    assert from_frame.body == from_templates.body
    assert from_frame.alternatives == from_templates.alternatives
    assert from_frame.extra_headers == from_templates.extra_headers
    assert (from_frame.to, from_frame.from_email) == (from_templates.to, from_templates.from_email)


def test_each_email_gets_its_own_name_and_unsubscribe_link():
    content = CONTENTS["messages"]()
    frame._frame.cache_clear()
    zoe = services.build_digest_email(user_id=1, email="z@x.fr", first_name="Zoé", in_egestion=True, content=content)
    leo = services.build_digest_email(user_id=2, email="l@x.fr", first_name="Léo", in_egestion=True, content=content)

    assert frame._frame.cache_info().misses == 1  # one frame for both
    assert "Bonjour Zoé," in zoe.body and "Bonjour Léo," in leo.body
    assert services.unsubscribe_url(1) in zoe.alternatives[0][0]
    assert services.unsubscribe_url(2) in leo.alternatives[0][0]
    assert services.unsubscribe_url(1) not in leo.body
