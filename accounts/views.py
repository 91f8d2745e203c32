"""Sign up, sign in, sign out and password reset for shoppers.

Signing in (either way) goes through django.contrib.auth.login, so the `user_logged_in` receiver in
cart/receivers.py moves the guest's cart into the shopper's account.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from pharmacy.exceptions import DomainError

from .forms import ResetPasswordForm, SignInForm, SignUpForm
from .services import register_user
from .sign_in_limits import record_failed_sign_in, sign_in_blocked


def safe_next_url(request) -> str:
    """The `next` the shopper came with, if it points at this site; otherwise ''."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class SignInView(auth_views.LoginView):
    """Django's LoginView: it already validates `next` with url_has_allowed_host_and_scheme."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if sign_in_blocked(client_address=request.META.get("REMOTE_ADDR", "")):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, "Too many failed sign-ins from your network. Please wait a minute and try again.")
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"Signed in as {form.get_user().email}.")
        return response

    def form_invalid(self, form):
        record_failed_sign_in(client_address=self.request.META.get("REMOTE_ADDR", ""))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def sign_up(request):
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = register_user(email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
                                 full_name=form.cleaned_data["full_name"])
        except DomainError as refusal:
            form.add_refusal(refusal)
        else:
            login(request, user)  # fires user_logged_in: the guest cart follows the new shopper
            messages.success(request, f"Welcome, {user.get_short_name()}. Your account is ready.")
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        # Read per request so a deployment's name (and tests overriding it) reach the e-mail.
        self.extra_email_context = {"pharmacy_name": settings.PHARMACY_NAME}
        return super().form_valid(form)


class ResetPasswordDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
