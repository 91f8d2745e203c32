from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("sign-up/", views.sign_up, name="signup"),
    path("verify-email/", views.verify_email_page, name="verify-email"),
    path("verify-email/<uidb64>/<token>/", views.verify_email_link, name="verify-email-confirm"),
    path("password-reset/", views.ResetPasswordView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.ResetPasswordDoneView.as_view(), name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetPasswordConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.ResetPasswordCompleteView.as_view(), name="password-reset-complete"),
]
