"""The reference page of bench/throughput.py: a minimal Django WSGI app (no middleware, no session, no app) that
renders the newest 50 rows of the portal's dossiers table, from the same PostgreSQL, in a plain Django template.

    gunicorn --chdir <repo> bench.bare_app:application
"""

import os
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.shortcuts import render
from django.urls import path

NEWEST_DOSSIERS = """
    SELECT number, title, status, start_date, end_date FROM dossiers_dossier ORDER BY start_date DESC, id DESC LIMIT 50
"""


def newest_dossiers(request):
    with connection.cursor() as cursor:
        cursor.execute(NEWEST_DOSSIERS)
        columns = [column.name for column in cursor.description]
        dossiers = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return render(request, "bare_dossiers.html", {"dossiers": dossiers})


urlpatterns = [path("", newest_dossiers)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-page",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
    # The portal's production connection settings: persistent connections with health checks, statements prepared
    # on the server once run twice (config/settings.py, DATABASE_PREPARE_THRESHOLD).
    DATABASES={
        "default": {
            **dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True),
            "OPTIONS": {"server_side_binding": True, "prepare_threshold": 2},
        }
    },
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [Path(__file__).resolve().parent / "templates"],
        }
    ],
)
application = get_wsgi_application()
