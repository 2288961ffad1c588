"""The production storage of static files (common.static_storage) gives the manifest's hashed URL of each file,
worked out once per process; a file missing from the manifest is still refused, and a new collectstatic is read."""

import json

import pytest

from common.static_storage import KeptUrlsStaticFilesStorage


def storage_with(tmp_path, paths):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1", "hash": "x"}))
    return KeptUrlsStaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_file_has_its_hashed_url_every_time(tmp_path):
    storage = storage_with(tmp_path, {"admin/js/core.js": "admin/js/core.0123abcd.js"})

    assert storage.url("admin/js/core.js") == "/static/admin/js/core.0123abcd.js"
    storage.hashed_files["admin/js/core.js"] = "admin/js/core.changed.js"  # a process never sees this happen
    assert storage.url("admin/js/core.js") == "/static/admin/js/core.0123abcd.js"  # kept
    assert storage._kept_urls == {"admin/js/core.js": "/static/admin/js/core.0123abcd.js"}


def test_a_file_missing_from_the_manifest_is_refused_each_time(tmp_path):
    storage = storage_with(tmp_path, {})

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("admin/js/absent.js")
    assert storage._kept_urls == {}


def test_collecting_the_files_again_forgets_the_kept_urls(tmp_path, settings):
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "portal.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [source]
    storage = storage_with(tmp_path / "collected", {"css/portal.css": "css/portal.old.css"})
    assert storage.url("css/portal.css") == "/static/css/portal.old.css"

    (tmp_path / "collected" / "css").mkdir()
    (tmp_path / "collected" / "css" / "portal.css").write_text("body { color: black; }")
    list(storage.post_process({"css/portal.css": (storage, "css/portal.css")}))

    assert storage.url("css/portal.css") not in ("/static/css/portal.old.css", "/static/css/portal.css")
    assert storage.url("css/portal.css").startswith("/static/css/portal.")
