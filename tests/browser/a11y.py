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


def scrolling_tables(page) -> list[str]:
    """The tables that scroll sideways inside their box (their caption, or their first header)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => {
                const table = box.querySelector('table');
                const name = table && (table.caption?.textContent || table.querySelector('th')?.textContent);
                return `${(name || 'table').trim()} (${box.scrollWidth - box.clientWidth} px hidden)`;
            })"""
    )


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


def menu_out_of_place(page) -> str:
    """On a wide screen, the left-hand menu starts at the top of the sidebar and stays in sight when a long page is
    scrolled to its end; what is wrong, or "" (pages without the portal menu: "")."""
    return page.evaluate(
        """() => {
            const nav = document.querySelector('.portal-nav'), list = document.querySelector('.portal-nav__list');
            if (!nav || !list) return '';
            window.scrollTo(0, 0);  // a page may open scrolled (a focused field)
            const offset = list.getBoundingClientRect().top - nav.getBoundingClientRect().top;
            if (offset > 64) return `the menu starts ${Math.round(offset)} px below the top of the sidebar`;
            if (document.documentElement.scrollHeight <= window.innerHeight) return '';
            window.scrollTo(0, document.documentElement.scrollHeight);
            const top = list.getBoundingClientRect().top;
            window.scrollTo(0, 0);
            const lost = top < 0 || top > window.innerHeight / 2;
            return lost ? `scrolled to the end, the menu is at ${Math.round(top)} px` : '';
        }"""
    )
