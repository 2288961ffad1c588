"""Mon tableau de bord financier (référents), in the ogestion namespace (included by ogestion/urls.py).

tableau-de-bord-financier/                  the money view: figures per establishment and per month, the chart
tableau-de-bord-financier/export.<csv|xlsx> the same figures as a spreadsheet
"""

from django.urls import path

from ogestion.money import views

urlpatterns = [
    path("tableau-de-bord-financier/", views.dashboard, name="money"),
    path("tableau-de-bord-financier/export.<str:fmt>", views.export, name="money_export"),
]
