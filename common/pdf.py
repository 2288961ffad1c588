"""HTML to PDF with WeasyPrint, for every document the portal prints (CERFA, funding agreement, remittance advice).

The templates reference no file: nothing is ever fetched (no network, no local file read), so the rendering is
fast and the text can be extracted from the PDF.
"""

import logging
import threading

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


def html_to_pdf(html: str) -> bytes:
    # WeasyPrint logs each rendering step at INFO.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: loading WeasyPrint is slow and only this code needs it

    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(font_config=_font_config())


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered with `context`, as PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
