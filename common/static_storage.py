"""The static files' storage in production: WhiteNoise's compressed manifest storage, with each file's URL worked out
once per process.

Every `{% static %}` tag and every script or style sheet a form's widgets need asks the storage for a URL: a lookup
in the manifest, a split and a quote of the name, about 50 µs each in-process and twenty per admin page (issue 18).
The manifest is read when the process starts and does not change while it runs, so a name's URL does not either. A
name missing from the manifest still raises each time (nothing is kept for it).
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class KeptUrlsStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._kept_urls.get(name)
        if url is None:
            url = self._kept_urls[name] = super().url(name)
        return url

    def post_process(self, *args, **kwargs):
        yield from super().post_process(*args, **kwargs)
        self._kept_urls.clear()  # collectstatic has just written a new manifest
