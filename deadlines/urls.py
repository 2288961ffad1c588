from django.urls import re_path

from deadlines import views

app_name = "deadlines"

urlpatterns = [
    re_path(r"^(?P<token>[0-9a-f]{32}-[0-9a-f]{32})\.ics$", views.feed, name="feed"),
]
