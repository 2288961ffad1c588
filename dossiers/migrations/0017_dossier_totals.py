import django.db.models.deletion
from django.db import migrations, models

# Statement-level triggers (one aggregated upsert per statement: COPY with triggers and bulk updates stay fast) that
# keep DossierTotal equal to the dossiers counted per side (employer, provider), establishment and month of the end
# date of a finished dossier (dossiers.models.OPEN_MONTH for the others), in the transaction that writes the
# dossiers. The finished statuses are dossiers.models.FINISHED_STATUSES (tests/dossiers/test_totals.py checks they
# agree). Deletions only UPDATE: a total is never recreated for an establishment being deleted.
# `kept_totals` writes the SQL of such a table for any extra key columns: migration 0019 keeps them per scheme too.
MONTH_FUNCTION = """
CREATE FUNCTION dossiers_month(status varchar, end_date date) RETURNS date
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN status IN ('refused', 'closed', 'cancelled')
                      THEN end_date - (EXTRACT(DAY FROM end_date)::integer - 1) ELSE DATE '9999-12-31' END $$;
"""


def kept_totals(table, functions, triggers, keys=()):
    """(TRIGGERS, DROP_TRIGGERS, BACKFILL, SCALE_BACKFILL) of a totals table keyed by side, establishment, `keys`
    (dossier columns of the same name) and month; its trigger functions are named `functions`_inserted...,
    its triggers `triggers`_counted..."""
    extra = "".join(f"{key}, " for key in keys)
    sides = f"""
    SELECT 'employer' AS side, employer_establishment_id AS establishment_id,{"".join(f" {key}," for key in keys)}
           dossiers_month(status, end_date) AS month, {{sign}} AS n FROM {{table}}
    UNION ALL
    SELECT 'provider', provider_establishment_id, {extra}dossiers_month(status, end_date), {{sign}} FROM {{table}}
    WHERE provider_establishment_id IS NOT NULL
"""
    columns = f"side, establishment_id, {extra}month"
    groups = ", ".join(str(position) for position in range(1, len(keys) + 4))
    upsert = f"""
    INSERT INTO {table} ({columns}, dossiers)
        SELECT {columns}, sum(n) FROM ({{rows}}) change GROUP BY {groups} HAVING sum(n) <> 0
        ON CONFLICT ({columns}) DO UPDATE SET dossiers = {table}.dossiers + EXCLUDED.dossiers;
"""
    matched = " AND ".join(f"t.{column} = gone.{column}" for column in columns.split(", "))
    created = f"""
CREATE FUNCTION {functions}_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {upsert.format(rows=sides.format(sign=1, table="new_dossiers"))}
    RETURN NULL;
END $$;

CREATE FUNCTION {functions}_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {upsert.format(rows=sides.format(sign=1, table="new_dossiers") + " UNION ALL " + sides.format(sign=-1, table="old_dossiers"))}
    RETURN NULL;
END $$;

CREATE FUNCTION {functions}_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {table} t SET dossiers = t.dossiers - gone.n
        FROM (SELECT {columns}, sum(n) AS n
              FROM ({sides.format(sign=1, table="old_dossiers")}) d GROUP BY {groups}) gone
        WHERE {matched};
    RETURN NULL;
END $$;

CREATE TRIGGER {triggers}_counted AFTER INSERT ON dossiers_dossier
    REFERENCING NEW TABLE AS new_dossiers FOR EACH STATEMENT EXECUTE FUNCTION {functions}_inserted();
CREATE TRIGGER {triggers}_recounted AFTER UPDATE ON dossiers_dossier
    REFERENCING OLD TABLE AS old_dossiers NEW TABLE AS new_dossiers
    FOR EACH STATEMENT EXECUTE FUNCTION {functions}_updated();
CREATE TRIGGER {triggers}_uncounted AFTER DELETE ON dossiers_dossier
    REFERENCING OLD TABLE AS old_dossiers FOR EACH STATEMENT EXECUTE FUNCTION {functions}_deleted();
"""
    dropped = "\n" + "".join(f"DROP TRIGGER {triggers}_{event} ON dossiers_dossier;\n" for event in ("counted", "recounted", "uncounted"))
    dropped += "".join(f"DROP FUNCTION {functions}_{event}();\n" for event in ("inserted", "updated", "deleted"))
    # The totals of the dossiers written before the triggers (the triggers' table lock keeps writers out meanwhile;
    # the unique index is built at the end of the migration: a plain INSERT). demo/scale.py adds those of the dossiers
    # its COPY wrote without the triggers (SCALE_BACKFILL, ids %(first)s to %(last)s).
    backfill = f"""
INSERT INTO {table} ({columns}, dossiers)
    SELECT {columns}, sum(n) FROM ({sides.format(sign=1, table="dossiers_dossier")}) d
    GROUP BY {groups};
ANALYZE {table};
"""
    scale_backfill = upsert.format(
        rows=sides.format(sign=1, table="(SELECT * FROM dossiers_dossier WHERE id BETWEEN %(first)s AND %(last)s) AS d")
    )
    return created, dropped, backfill, scale_backfill


TRIGGERS, DROP_TRIGGERS, BACKFILL, SCALE_BACKFILL = kept_totals(
    "dossiers_dossiertotal", "dossiers_total", "dossiers_dossier"
)
TRIGGERS = MONTH_FUNCTION + TRIGGERS
DROP_TRIGGERS += "DROP FUNCTION dossiers_month(varchar, date);\n"


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
