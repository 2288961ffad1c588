import django.db.models.deletion
from django.db import migrations, models

# Statement-level triggers (one aggregated upsert per statement: COPY with triggers and bulk updates stay fast) that
# keep DossierTotal equal to the dossiers counted per side (employer, provider), establishment and month of the end
# date of a finished dossier (dossiers.models.OPEN_MONTH for the others), in the transaction that writes the
# dossiers. The finished statuses are dossiers.models.FINISHED_STATUSES (tests/dossiers/test_totals.py checks they
# agree). Deletions only UPDATE: a total is never recreated for an establishment being deleted.
SIDES = """
    SELECT 'employer' AS side, employer_establishment_id AS establishment_id,
           dossiers_month(status, end_date) AS month, {sign} AS n FROM {table}
    UNION ALL
    SELECT 'provider', provider_establishment_id, dossiers_month(status, end_date), {sign} FROM {table}
    WHERE provider_establishment_id IS NOT NULL
"""
UPSERT = """
    INSERT INTO dossiers_dossiertotal (side, establishment_id, month, dossiers)
        SELECT side, establishment_id, month, sum(n) FROM ({rows}) change GROUP BY 1, 2, 3 HAVING sum(n) <> 0
        ON CONFLICT (side, establishment_id, month) DO UPDATE SET dossiers = dossiers_dossiertotal.dossiers + EXCLUDED.dossiers;
"""
TRIGGERS = f"""
CREATE FUNCTION dossiers_month(status varchar, end_date date) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN status IN ('refused', 'closed', 'cancelled')
                      THEN end_date - (EXTRACT(DAY FROM end_date)::integer - 1) ELSE DATE '9999-12-31' END $$;

CREATE FUNCTION dossiers_total_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(rows=SIDES.format(sign=1, table="new_dossiers"))}
    RETURN NULL;
END $$;

CREATE FUNCTION dossiers_total_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(rows=SIDES.format(sign=1, table="new_dossiers") + " UNION ALL " + SIDES.format(sign=-1, table="old_dossiers"))}
    RETURN NULL;
END $$;

CREATE FUNCTION dossiers_total_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE dossiers_dossiertotal t SET dossiers = t.dossiers - gone.n
        FROM (SELECT side, establishment_id, month, sum(n) AS n
              FROM ({SIDES.format(sign=1, table="old_dossiers")}) d GROUP BY 1, 2, 3) gone
        WHERE t.side = gone.side AND t.establishment_id = gone.establishment_id AND t.month = gone.month;
    RETURN NULL;
END $$;

CREATE TRIGGER dossiers_dossier_counted AFTER INSERT ON dossiers_dossier
    REFERENCING NEW TABLE AS new_dossiers FOR EACH STATEMENT EXECUTE FUNCTION dossiers_total_inserted();
CREATE TRIGGER dossiers_dossier_recounted AFTER UPDATE ON dossiers_dossier
    REFERENCING OLD TABLE AS old_dossiers NEW TABLE AS new_dossiers
    FOR EACH STATEMENT EXECUTE FUNCTION dossiers_total_updated();
CREATE TRIGGER dossiers_dossier_uncounted AFTER DELETE ON dossiers_dossier
    REFERENCING OLD TABLE AS old_dossiers FOR EACH STATEMENT EXECUTE FUNCTION dossiers_total_deleted();
"""

DROP_TRIGGERS = """
DROP TRIGGER dossiers_dossier_counted ON dossiers_dossier;
DROP TRIGGER dossiers_dossier_recounted ON dossiers_dossier;
DROP TRIGGER dossiers_dossier_uncounted ON dossiers_dossier;
DROP FUNCTION dossiers_total_inserted();
DROP FUNCTION dossiers_total_updated();
DROP FUNCTION dossiers_total_deleted();
DROP FUNCTION dossiers_month(varchar, date);
"""

# The totals of the dossiers written before the triggers (the triggers' table lock keeps writers out meanwhile; the
# unique index is built at the end of the migration: a plain INSERT). demo/scale.py adds those of the dossiers its
# COPY wrote without the triggers (SCALE_BACKFILL, ids %(first)s to %(last)s).
BACKFILL = f"""
INSERT INTO dossiers_dossiertotal (side, establishment_id, month, dossiers)
    SELECT side, establishment_id, month, sum(n) FROM ({SIDES.format(sign=1, table="dossiers_dossier")}) d
    GROUP BY 1, 2, 3;
ANALYZE dossiers_dossiertotal;
"""
SCALE_BACKFILL = UPSERT.format(
    rows=SIDES.format(sign=1, table="(SELECT * FROM dossiers_dossier WHERE id BETWEEN %(first)s AND %(last)s) AS d")
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0012_user_staff_by_name"),
        ("dossiers", "0016_provider_scheduled_dossiers_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="DossierTotal",
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
                "verbose_name": "nombre de dossiers d'un établissement par mois de fin",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("side", "establishment", "month"),
                        include=("dossiers",),
                        name="dossier_total_once_per_month",
                    )
                ],
            },
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
