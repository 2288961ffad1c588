"""A document storage outage on a page that does not show it next to its form: a 503 with a message, not a 500."""

from django.shortcuts import render

from common.storage import StorageUnavailable


class StorageUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnavailable):
            return render(request, "common/storage_unavailable.html", status=503)
        return None
