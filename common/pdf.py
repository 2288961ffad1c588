"""HTML to PDF with WeasyPrint, for every document the portal prints (CERFA, funding agreement, remittance advice).

The templates reference no file: nothing is ever fetched (no network, no local file read), so the rendering is
fast and the text can be extracted from the PDF.
"""

import gc
import logging
import threading
from contextlib import contextmanager

from django.template.loader import render_to_string

_fonts = threading.local()


def _font_config():
    """The system fonts, looked up once per thread (Fontconfig and Pango's font map): a new FontConfiguration per
    document costs each rendering that look-up again. Per thread: WeasyPrint's objects are not shared safely."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"Les documents PDF ne chargent aucune ressource externe ({url}).")


@contextmanager
def _no_garbage_collection():
    """A rendering allocates some hundred thousand objects (boxes, styles): each few hundred of them started a
    collection that went through every object of the process (Django's included), a fifth of the rendering time.
    The boxes are freed by reference counting once the PDF is written; collections resume after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint logs each rendering step at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: loading WeasyPrint is slow and only this code needs it

    with _no_garbage_collection():
        return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_font_config())


def warm_up() -> None:
    """Loads WeasyPrint and the fonts the documents use (DejaVu Sans, regular and bold) so that the first document a
    process prints is as fast as the next ones (about 2 s of CPU, most of it the import). Called once per web
    worker (config/gunicorn.py)."""
    html_to_pdf("<p style=\"font-family: 'DejaVu Sans'\">☐ <b>☒</b></p>")


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered with `context`, as PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
