from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("mot-de-passe/<str:token>/", views.create_password, name="create_password"),
    path("mot-de-passe/<str:token>/nouveau-lien/", views.resend_link, name="resend_link"),
    path("conditions/", views.consent, name="consent"),
    path("invitations/", views.my_invitations, name="invitations"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("double-authentification/", views.totp_enrolment_pending, name="totp_enrolment_pending"),
    path("double-authentification/<str:token>/", views.totp_enrolment, name="totp_enrolment"),
]
