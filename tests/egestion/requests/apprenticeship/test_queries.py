"""Each step page reads a constant number of queries, whatever the draft holds (persons chosen, documents)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egestion.requests.apprenticeship.forms import STEP_SLUGS
from funding import services
from tests.egestion.requests.utils import step_url
from tests.factories import PersonFactory, minimal_pdf
from tests.harness import assert_constant_queries, page_of

# Session, user, RGPD/CGU versions, memberships, the draft, then the step's own reads (validation against the
# referentials, the persons chosen, the documents...): a small bound for every step.
MAX_STEP_QUERIES = 20
TARGETS = ("employeur", "apprenti", "maitre1", "maitre2")


def add(draft, company, user, persons, documents):
    chosen = [PersonFactory(organisation=company) for _ in range(persons)]
    services.save_draft(
        draft, {f"{target}_person_id": person.pk for target, person in zip(TARGETS, chosen, strict=False)}
    )
    for index in range(documents):
        upload = SimpleUploadedFile(f"piece-{index}.pdf", minimal_pdf(), "application/pdf")
        services.attach_document(draft, kind="other", uploaded_file=upload, user=user)


@pytest.mark.parametrize("step", STEP_SLUGS)
def test_a_step_reads_a_constant_number_of_queries(logged_in, complete_draft, company, user, step):
    if step in ("documents", "transmettre"):
        pytest.importorskip("funding.transmission")
    url = step_url(complete_draft, step)
    add(complete_draft, company, user, persons=4, documents=1)
    # warm_up: the session and the consent versions are read once.
    assert_constant_queries(
        page_of(logged_in, url),
        grow=lambda: add(complete_draft, company, user, persons=4, documents=5),
        at_most=MAX_STEP_QUERIES,
        warm_up=True,
    )
