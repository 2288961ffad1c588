from django.shortcuts import render

from egestion.views import egestion_required


@egestion_required
def request_list(request):
    return render(request, "egestion/funding/request_list.html", {})
