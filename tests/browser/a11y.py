"""What the layout and accessibility browser tests measure on a page: whether it is wider than the viewport, and
what axe-core (vendored in tests/browser/vendor/, never from a CDN) finds "serious" or "critical".

The pages send a Content-Security-Policy that forbids inline scripts: a context that runs axe is opened with
`bypass_csp=True` (the CSP itself has its own test).
"""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def widest_elements(page, limit=3) -> list[str]:
    """The elements that stick out on the right, to say in a failure what to fix."""
    return page.evaluate(
        """(limit) => {
            const width = window.innerWidth;
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > width + 1 && r.width > 0) {
                    out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${Math.round(r.right)}`);
                }
            }
            return out.slice(-limit);
        }""",
        limit,
    )


def serious_violations(page) -> list[str]:
    """axe-core's "serious" and "critical" violations on the page, one line each (rule, impact, first targets)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map("
        "v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'])}"
        for v in results
        if v["impact"] in BLOCKING_IMPACTS
    ]
