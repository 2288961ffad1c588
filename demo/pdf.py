"""Small, real PDFs for the demo documents that people outside Constructys would have sent (signed CERFA, training
agreement, supplier's quote), rendered by the portal's own PDF renderer (common.pdf) on its PDF base template. The
documents Constructys issues (funding agreements, remittance advices) are rendered by the product's renderers."""

from common.pdf import render_pdf as render_template_pdf


def render_pdf(
    *,
    title: str,
    subtitle: str,
    facts: list[tuple[str, str]],
    headers: list[str] | None = None,
    rows: list[list[str]] | None = None,
    total: str | None = None,
    paragraphs: list[str] = (),
    signature: str = "",
) -> bytes:
    return render_template_pdf(
        "demo/document_pdf.html",
        {
            "title": title,
            "subtitle": subtitle,
            "facts": facts,
            "headers": headers or [],
            "rows": rows or [],
            "amount_columns": {i for i, header in enumerate(headers or []) if header.startswith("Montant")},
            "total": total,
            "paragraphs": paragraphs,
            "signature": signature,
        },
    )
