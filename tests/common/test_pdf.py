"""common.pdf: the garbage collector, paused during a rendering, is as it was afterwards; the worker's warm-up
prints a document with the fonts the documents use."""

import gc

import pytest

from common.pdf import html_to_pdf, warm_up

pytestmark = pytest.mark.no_database


def test_a_rendering_gives_the_garbage_collector_back():
    assert gc.isenabled()
    assert html_to_pdf("<p>Accord de prise en charge</p>").startswith(b"%PDF-")
    assert gc.isenabled()


def test_a_rendering_leaves_a_paused_collector_paused():
    gc.disable()
    try:
        html_to_pdf("<p>x</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_warm_up_loads_weasyprint_and_leaves_the_collector_on():
    warm_up()

    assert gc.isenabled()


def test_each_gunicorn_worker_warms_weasyprint_up_and_freezes_what_it_loaded():
    import sys

    from config.gunicorn import post_worker_init

    try:
        post_worker_init(worker=None)

        assert "weasyprint" in sys.modules
        assert gc.get_freeze_count() > 100_000  # out of the full collections' walk
        assert gc.isenabled()
    finally:
        gc.unfreeze()
