"""The money view's chart, drawn on the server as SVG (no JavaScript, no library): invoiced and paid per month,
two bars a month. Only geometry here; the figures come from invoicing.money and the same figures are in a table
next to the chart for screen readers."""

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 8, 12, 36
GRID_LINES = 4
MONTH_NAMES = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what a tooltip says ("Facturé en mars 2026 : 3 200 €")


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class MonthSlot:
    x: float  # the centre of the month's label
    label: str
    invoiced: Bar
    paid: Bar


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    ticks: list[Tick]
    months: list[MonthSlot]


def euros(value) -> str:
    """Whole euros with French thousands separators (narrow no-break spaces): 12 345 €."""
    return f"{int(round(value)):,}".replace(",", "\u202f") + "\u00a0€"


def month_label(start, with_year=False) -> str:
    name = MONTH_NAMES[start.month - 1]
    return f"{name} {start.year}" if with_year else name


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value`, so that the grid lines fall on round amounts."""
    if value <= 0:
        return Decimal(1000)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def money_chart(months) -> Chart:
    """Bars of `months` (invoicing.money.Month, oldest first) scaled to the largest amount."""
    top = nice_ceiling(max([m.invoiced for m in months] + [m.paid for m in months] + [Decimal(0)]))
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    slot = (WIDTH - LEFT - RIGHT) / len(months)
    bar_width = slot * 0.36

    def bar(x, amount, label):
        height = float(amount / top) * plot_height if amount > 0 else 0
        return Bar(round(x, 1), round(baseline - height, 1), round(bar_width, 1), round(height, 1), label)

    slots = []
    for index, month in enumerate(months):
        left = LEFT + index * slot + slot * 0.12
        name = month_label(month.start, with_year=True)
        slots.append(
            MonthSlot(
                x=round(LEFT + index * slot + slot / 2, 1),
                label=month_label(month.start, with_year=month.start.month == 1 or index == 0),
                invoiced=bar(left, month.invoiced, f"Facturé en {name} : {euros(month.invoiced)}"),
                paid=bar(left + bar_width, month.paid, f"Payé en {name} : {euros(month.paid)}"),
            )
        )
    ticks = [
        Tick(round(baseline - plot_height * i / GRID_LINES, 1), euros(top * i / GRID_LINES))
        for i in range(GRID_LINES + 1)
    ]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, baseline, ticks, slots)
