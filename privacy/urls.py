from django.urls import path

from . import erasure_views, export_views, views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/revisions/<int:number>/", views.notice_revision, name="notice-revision"),
    path("account/privacy/", views.account, name="account"),
    path("account/privacy/consent/", views.consent_give, name="consent-give"),
    path("account/privacy/consent/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("account/privacy/export/", export_views.export_request, name="export-request"),
    path("account/privacy/export/<str:token>/", export_views.export_download, name="export-download"),
    path("account/privacy/erasure/", erasure_views.erasure_request, name="erasure-request"),
    path("account/privacy/erasure/confirm/<str:token>/", erasure_views.erasure_confirm, name="erasure-confirm"),
]
