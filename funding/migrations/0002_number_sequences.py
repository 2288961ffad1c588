"""PostgreSQL sequences numbering the dossiers and requests transmitted through the portal (funding/transmission.py):
gap-tolerant, never reused, safe under concurrent transmissions without any table lock."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE SEQUENCE IF NOT EXISTS funding_dossier_number_seq START WITH 9930000001",
            reverse_sql="DROP SEQUENCE IF EXISTS funding_dossier_number_seq",
        ),
        migrations.RunSQL(
            sql="CREATE SEQUENCE IF NOT EXISTS funding_request_number_seq START WITH 2100001",
            reverse_sql="DROP SEQUENCE IF EXISTS funding_request_number_seq",
        ),
    ]
