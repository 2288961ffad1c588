import os

import pytest

from config.env import load_local_env

pytestmark = pytest.mark.no_database  # pure: no database


def test_a_checkouts_local_env_file_gives_defaults_the_environment_overrides(tmp_path, monkeypatch):
    env_file = tmp_path / "env"
    env_file.write_text(
        "# a second checkout\nCONSTRUCTYS_TEST_A = from-file\nCONSTRUCTYS_TEST_B=from-file\nnot a line\n"
    )
    monkeypatch.delenv("CONSTRUCTYS_TEST_A", raising=False)
    monkeypatch.setenv("CONSTRUCTYS_TEST_B", "from-environment")

    load_local_env(env_file)

    assert os.environ["CONSTRUCTYS_TEST_A"] == "from-file"
    assert os.environ["CONSTRUCTYS_TEST_B"] == "from-environment"
    monkeypatch.delenv("CONSTRUCTYS_TEST_A")


def test_make_run_leaves_its_services_in_the_local_env_file_for_commands_run_by_hand(tmp_path, monkeypatch):
    import subprocess
    from pathlib import Path

    env_file = tmp_path / "env"
    env_file.write_text("CONSTRUCTYS_TEST_KEPT=yes\nDATABASE_URL=postgres://old/constructys\n")
    script = Path(__file__).resolve().parents[2] / "scripts" / "services.sh"
    environment = {
        "PATH": os.environ["PATH"],
        "LOCAL_ENV_FILE": str(env_file),
        "PG_PORT": "5999",
        "REDIS_PORT": "6999",
        "CLAMAV_PORT": "3999",
        "SITE_URL": "http://127.0.0.1:8123",
    }
    subprocess.run(["bash", "-c", f"source {script} && write_local_env"], env=environment, check=True)
    for name in ("DATABASE_URL", "REDIS_URL", "CLAMAV_URL", "SITE_URL", "CONSTRUCTYS_TEST_KEPT"):
        monkeypatch.delenv(name, raising=False)

    load_local_env(env_file)

    assert os.environ["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5999/constructys"
    assert os.environ["REDIS_URL"] == "redis://127.0.0.1:6999/0"
    assert os.environ["CLAMAV_URL"] == "tcp://127.0.0.1:3999"
    assert os.environ["SITE_URL"] == "http://127.0.0.1:8123"
    assert os.environ["CONSTRUCTYS_TEST_KEPT"] == "yes"  # the checkout's own lines stay
