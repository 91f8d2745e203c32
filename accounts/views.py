"""Sign up, sign in, sign out, e-mail verification and password reset for shoppers.

Signing in goes through django.contrib.auth.login, so the `user_logged_in` receiver in cart/receivers.py
moves the guest's cart into the shopper's account. Failed sign-ins are limited by django-axes (per client
address and per account; accounts.sign_in_limits). Sign-up and password reset answer the same whether or
not the address has an account, and are throttled per client address.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from pharmacy.exceptions import DomainError
from pharmacy.throttling import throttle_posts

from .forms import ResetPasswordForm, SignInForm, SignUpForm
from .services import (
    complete_password_reset,
    register_user,
    request_password_reset,
    send_email_verification,
    verify_email,
)
from .tokens import password_reset_tokens


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

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, f"Signed in as {form.get_user().email}.")
        return response


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): a link or a prefetch cannot sign anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
@throttle_posts("register")
def sign_up(request):
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            register_user(email=form.cleaned_data["email"], password=form.cleaned_data["password1"],
                          full_name=form.cleaned_data["full_name"])
        except DomainError as refusal:
            form.add_refusal(refusal)
        else:
            # The same answer whether the address was new (an account and a confirmation link) or already
            # had an account (an e-mail telling its owner so): nobody learns which addresses are customers.
            return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"],
                                                                 "next": next_url})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def verify_email_link(request, uidb64: str, token: str):
    """The link in the confirmation e-mail. Opening it confirms the address (no sign-in needed)."""
    try:
        verify_email(uidb64=uidb64, token=token)
    except DomainError as refusal:
        return render(request, "accounts/verify_email.html", {"refusal": refusal.message}, status=400)
    messages.success(request, "Thank you: your e-mail address is confirmed, and you can place orders.")
    return redirect("accounts:verify-email" if request.user.is_authenticated else "accounts:login")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@throttle_posts("register")
def verify_email_page(request):
    """Whether the signed-in shopper's address is confirmed, and a button to send the link again."""
    if request.method == "POST":
        if send_email_verification(user=request.user):
            messages.success(request, f"We have sent a new link to {request.user.email}.")
        return redirect("accounts:verify-email")
    return render(request, "accounts/verify_email.html", {})


@method_decorator(throttle_posts("password_reset"), name="dispatch")
class ResetPasswordView(FormView):
    """Ask for a reset link. The answer is the same whether or not the address has an account; the link
    goes through the outbox (accounts.services.request_password_reset)."""

    form_class = ResetPasswordForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        request_password_reset(email=form.cleaned_data["email"])
        return super().form_valid(form)


class ResetPasswordDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view checks the link (password_reset_tokens, without leaving the token in the address bar);
    the new password is set by accounts.services.complete_password_reset."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    token_generator = password_reset_tokens

    def form_valid(self, form):
        try:
            complete_password_reset(user=self.user, new_password=form.cleaned_data["new_password1"])
        except DomainError as refusal:
            form.add_error("new_password1", refusal.message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
