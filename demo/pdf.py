"""Small, real PDFs for the demo documents, rendered with WeasyPrint from one HTML template."""

import logging
from html import escape

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<style>
  @page {{ size: A4; margin: 18mm 16mm; @bottom-center {{ content: "Constructys - {footer}";
    font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; color: #666; }} }}
  body {{ font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #222; }}
  header {{ border-bottom: 3px solid #e2001a; padding-bottom: 6px; margin-bottom: 18px; }}
  .brand {{ font-size: 20pt; font-weight: bold; color: #e2001a; }}
  .tagline {{ font-size: 9pt; color: #555; }}
  .address {{ font-size: 8pt; color: #555; margin-top: 4px; }}
  h1 {{ font-size: 14pt; margin: 0 0 4px; text-transform: uppercase; }}
  h2 {{ font-size: 10.5pt; margin: 0 0 14px; color: #444; font-weight: normal; }}
  dl {{ margin: 0 0 14px; }}
  dt {{ float: left; clear: left; width: 48mm; color: #555; }}
  dd {{ margin: 0 0 3px 50mm; font-weight: bold; }}
  table {{ width: 100%; border-collapse: collapse; margin: 10px 0 14px; font-size: 7.5pt; }}
  th {{ background: #f2f2f2; text-align: left; padding: 3px; border-bottom: 1px solid #999; }}
  td {{ padding: 3px; border-bottom: 1px solid #ddd; white-space: nowrap; vertical-align: top; }}
  td.text {{ white-space: normal; }}
  td.amount, th.amount {{ text-align: right; white-space: nowrap; }}
  tfoot td {{ font-weight: bold; border-top: 1px solid #999; }}
  p {{ margin: 0 0 8px; line-height: 1.4; }}
  .signature {{ margin-top: 24px; }}
</style></head>
<body>
<header>
  <div class="brand">Constructys</div>
  <div class="tagline">Votre partenaire compétences - Opérateur de compétences de la construction</div>
  <div class="address">32 rue René Boulanger - 75010 PARIS - 0 800 940 999 (service et appel gratuits)</div>
</header>
<h1>{title}</h1>
<h2>{subtitle}</h2>
<dl>{facts}</dl>
{table}
{paragraphs}
<p class="signature">{signature}</p>
</body></html>
"""


def render_pdf(
    *,
    title: str,
    subtitle: str,
    facts: list[tuple[str, str]],
    headers: list[str] | None = None,
    rows: list[list[str]] | None = None,
    total: str | None = None,
    paragraphs: list[str] = (),
    signature: str = "Le service gestion de Constructys",
    footer: str = "",
) -> bytes:
    # WeasyPrint logs each rendering step at INFO, which buries the command's own output.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # imported here: loading WeasyPrint is slow and only this code needs it

    table = ""
    if headers:
        amount_columns = {i for i, h in enumerate(headers) if h.startswith("Montant")}
        text_columns = {i for i, h in enumerate(headers) if h.startswith("Intitulé")}

        def cell(tag, i, value):
            css = ' class="amount"' if i in amount_columns else ' class="text"' if i in text_columns else ""
            return f"<{tag}{css}>{escape(value)}</{tag}>"

        head = "".join(cell("th", i, h) for i, h in enumerate(headers))
        body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows or [])
        foot = ""
        if total is not None:
            foot = (
                f'<tfoot><tr><td colspan="{len(headers) - 1}">Total TTC</td>'
                f'<td class="amount">{escape(total)}</td></tr></tfoot>'
            )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>"
    html = PAGE.format(
        title=escape(title),
        subtitle=escape(subtitle),
        facts="".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts),
        table=table,
        paragraphs="".join(f"<p>{escape(p)}</p>" for p in paragraphs),
        signature=escape(signature),
        # The footer goes into a CSS string (raw text: no HTML escaping there), so drop what could end it.
        footer="".join(c for c in footer if c not in '"\\<>{}'),
    )
    return HTML(string=html).write_pdf()
