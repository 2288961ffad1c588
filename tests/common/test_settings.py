import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.no_database  # pure: no database

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k3#p!9w$Zr7@qL2v^N8x&Tb5*Hc1%Gd6(Je4)Mf0_Ys-Ua+Vo=Ri[Pl]Sn{Kt}",
    "DJANGO_ALLOWED_HOSTS": "e-gestion.constructys.fr,o-gestion.constructys.fr",
    "SITE_URL": "https://e-gestion.constructys.fr",
    "EMAIL_HOST": "smtp.example.org",
}


def _environ_without_test_flags():
    return {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**_environ_without_test_flags(), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_reports_nothing_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_only_postgresql_is_accepted():
    result = run_manage("check", env={"DATABASE_URL": "mysql://portal@127.0.0.1/constructys"})

    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def test_french_language_and_paris_time():
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert "django.contrib.auth.middleware.LoginRequiredMiddleware" in settings.MIDDLEWARE


def test_production_sends_mail_over_smtp_and_stores_files_on_s3_when_asked():
    script = (
        "from django.conf import settings; "
        "print(settings.EMAIL_BACKEND); print(settings.STORAGES['default']['BACKEND'])"
    )
    env = {**PRODUCTION_ENV, "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "documents"}

    result = run_manage("shell", "--verbosity", "0", "-c", script, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "common.storage.DocumentS3Storage",  # django-storages' S3Storage, outages as a message
    ]
