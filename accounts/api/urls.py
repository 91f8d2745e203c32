from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:auth-register, ...).
urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", views.AuthTokenApi.as_view(), name="auth-token"),
    path("auth/token/all/", views.AuthTokenAllApi.as_view(), name="auth-token-all"),
    path("auth/me/", views.MeApi.as_view(), name="auth-me"),
    path("auth/verify-email/", views.EmailVerificationConfirmApi.as_view(), name="auth-verify-email"),
    path("auth/verify-email/resend/", views.EmailVerificationResendApi.as_view(), name="auth-verify-email-resend"),
    path("auth/password-reset/", views.PasswordResetRequestApi.as_view(), name="auth-password-reset"),
    path(
        "auth/password-reset/confirm/", views.PasswordResetConfirmApi.as_view(), name="auth-password-reset-confirm"
    ),
]
