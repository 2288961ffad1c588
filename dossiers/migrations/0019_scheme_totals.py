from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models


# DossierTotal per scheme as well: the triggers and backfills of migration 0017, keyed by the scheme too.
TRIGGERS, DROP_TRIGGERS, BACKFILL, SCALE_BACKFILL = import_module("dossiers.migrations.0017_dossier_totals").kept_totals(
    "dossiers_dossierschemetotal", "dossiers_scheme_total", "dossiers_dossier_scheme", keys=["scheme"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_user_staff_by_name"),
        ("dossiers", "0018_employer_counts_by_scheme"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierSchemeTotal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "side",
                    models.CharField(
                        choices=[("employer", "entreprise"), ("provider", "organisme de formation")],
                        max_length=8,
                        verbose_name="côté",
                    ),
                ),
                ("scheme", models.CharField(max_length=4, verbose_name="dispositif")),
                ("month", models.DateField(verbose_name="mois de fin des dossiers")),
                ("dossiers", models.IntegerField(default=0, verbose_name="dossiers")),
                (
                    "establishment",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.establishment",
                    ),
                ),
            ],
            options={
                "verbose_name": "nombre de dossiers d'un établissement par dispositif et mois de fin",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("side", "establishment", "scheme", "month"),
                        include=("dossiers",),
                        name="dossier_scheme_total_once_per_month",
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
