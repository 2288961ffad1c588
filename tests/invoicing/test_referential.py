"""The NPEC referential's loader (France compétences' columns, idempotent, French rejections) and the payment rules
as admin-edited rows."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from invoicing.models import NpecAmount, PaymentRule, regimes
from invoicing.schedule import REFERENCE_REGIMES, Contract, compute_schedule, regime_for

day = datetime.date


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_npec", *args, stdout=out)
    return out.getvalue()


def test_loading_the_sample_twice_creates_then_changes_nothing():
    assert "8 créée(s)" in load("--sample")
    assert "0 créée(s), 0 mise(s) à jour, 8 inchangée(s)" in load("--sample")
    assert NpecAmount.objects.count() == 8


def test_a_changed_amount_is_updated_and_bad_lines_are_rejected_in_french(tmp_path):
    load("--sample")
    path = tmp_path / "npec.csv"
    path.write_text(
        "Code RNCP;Libellé de la certification;IDCC;NPEC final;Date d'applicabilité des NPEC*\n"
        "37651;Maçon (CAP);1597;7 650,00;01/09/2024\n"
        "RNCP34862;Maçon (BP);ABCD;8 200;01/09/2024\n"
        "RNCP34862;Maçon (BP);1597;gratuit;01/09/2024\n"
        "RNCP34862;Maçon (BP);1597;8 200;\n",
        encoding="utf-8",
    )
    output = load(str(path))
    assert "1 mise(s) à jour" in output and "3 rejetée(s)" in output
    assert "ligne 3 : IDCC « ABCD » refusé" in output
    assert "ligne 4 : montant NPEC « gratuit » illisible" in output
    assert "ligne 5 : date d'applicabilité absente" in output
    assert NpecAmount.objects.amount_for("RNCP37651", "1597", day(2025, 1, 1)) == Decimal("7650.00")


def test_a_file_without_the_npec_column_is_refused(tmp_path):
    path = tmp_path / "npec.csv"
    path.write_text("Code RNCP;IDCC\nRNCP37651;1597\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colonne « npec_final » absente"):
        load(str(path))


def test_the_amount_in_force_is_the_one_of_the_day():
    load("--sample")
    assert NpecAmount.objects.amount_for("RNCP30114", "1597", day(2025, 8, 31)) == Decimal("7000.00")
    assert NpecAmount.objects.amount_for("RNCP30114", "1597", day(2025, 9, 1)) == Decimal("7350.50")
    assert NpecAmount.objects.amount_for("RNCP30114", "1597", day(2023, 8, 31)) is None
    assert NpecAmount.objects.amount_for("RNCP30114", "9999", day(2025, 9, 1)) is None


def test_the_migrated_rules_are_the_two_statutory_regimes():
    assert regimes() == list(REFERENCE_REGIMES)


def test_an_edited_rule_changes_the_schedule():
    rule = PaymentRule.objects.get(concluded_from=day(2025, 7, 1))
    rule.employer_participation = Decimal("800.00")
    rule.save()
    contract = Contract(day(2025, 9, 1), day(2026, 8, 31), day(2025, 9, 1), Decimal("8000"), level=6)
    assert compute_schedule(contract, regime_for(contract.concluded_on, regimes())).instalments[0].amount == Decimal(
        "2400.00"
    )


def test_overlapping_rules_are_refused():
    rule = PaymentRule(
        name="Nouvelle règle",
        concluded_from=day(2026, 1, 1),
        advance_share=Decimal("0.40"),
        seventh_month_share=Decimal("0.30"),
        short_contract_advance_share=Decimal("0.50"),
    )
    with pytest.raises(ValidationError, match="Une autre règle couvre déjà"):
        rule.full_clean()
