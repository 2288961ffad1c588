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
