"""The two statutory payment regimes as the first PaymentRule rows (then edited in the admin).

Décret n° 2020-1739 (contracts concluded 1 January 2021 - 30 June 2025): 40 % within 30 days of the invoice, 30 %
by the end of the 7th month, the balance (30 %) at the 10th month; under one year 50 % then the balance; each month
begun is due. Décret n° 2025-585 of 27 June 2025 (R.6332-25 III-V, contracts concluded from 1 July 2025): 40 %,
30 % at the 7th month, 20 % at the 10th, 10 % balance; under one year 50 %; employer participation 750 € (200 €,
50 % capped after an early rupture, R.6332-25-1/-2); distance -20 % floor 4 000 € (D.6332-82-1, décret n° 2025-586);
final documents within 4 months; new CFA: first payment at the 3rd month.
"""

import datetime
from decimal import Decimal

from django.db import migrations

RULES = [
    {
        "name": "Décret n° 2020-1739 (contrats conclus du 01/01/2021 au 30/06/2025)",
        "concluded_from": datetime.date(2021, 1, 1),
        "concluded_until": datetime.date(2025, 6, 30),
        "advance_share": Decimal("0.40"),
        "seventh_month_share": Decimal("0.30"),
        "tenth_month_share": None,
        "balance_at_tenth_month": True,
        "short_contract_advance_share": Decimal("0.50"),
        "payment_delay_days": 30,
        "begun_month_rule": True,
    },
    {
        "name": "Décret n° 2025-585 (contrats conclus à partir du 01/07/2025)",
        "concluded_from": datetime.date(2025, 7, 1),
        "concluded_until": None,
        "advance_share": Decimal("0.40"),
        "seventh_month_share": Decimal("0.30"),
        "tenth_month_share": Decimal("0.20"),
        "balance_at_tenth_month": False,
        "short_contract_advance_share": Decimal("0.50"),
        "payment_delay_days": 30,
        "begun_month_rule": False,
        "employer_participation": Decimal("750.00"),
        "participation_after_early_rupture_elsewhere": Decimal("200.00"),
        "early_rupture_participation_rate": Decimal("0.50"),
        "participation_min_level": 6,
        "distance_reduction": Decimal("0.20"),
        "distance_floor": Decimal("4000.00"),
        "final_documents_months": 4,
        "new_cfa_first_payment_month": 3,
    },
]


def create_rules(apps, schema_editor):
    PaymentRule = apps.get_model("invoicing", "PaymentRule")
    for rule in RULES:
        PaymentRule.objects.get_or_create(concluded_from=rule["concluded_from"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("invoicing", "0001_npec_referential_and_payment_rules")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
