from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/revisions/<int:number>/", views.notice_revision, name="notice-revision"),
    path("account/privacy/", views.account, name="account"),
    path("account/privacy/consent/", views.consent_give, name="consent-give"),
    path("account/privacy/consent/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
