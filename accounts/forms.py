"""Storefront account forms: shape and validation only (Django's password validators included)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin

from pharmacy.exceptions import DomainError

User = get_user_model()


class SignUpForm(SetPasswordMixin, forms.Form):
    """E-mail, full name and the password twice, checked by AUTH_PASSWORD_VALIDATORS so each problem shows
    next to its field; accounts.services.register_user creates the account (and checks again)."""

    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(
        label="Full name", max_length=200,
        help_text="As on your prescriptions, so our pharmacist can match them.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(label1="Password", label2="Password again")

    # Where register_user's refusals are shown.
    REFUSAL_FIELDS = {"email": "email", "password": "password1", "full_name": "full_name"}

    def clean_email(self) -> str:
        # Whether the address already has an account is never said here (accounts.services.register_user).
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # "Too similar to your e-mail address or name" needs the would-be user.
        candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
        self.validate_password_for_user(candidate, password_field_name="password1")
        return cleaned

    def add_refusal(self, refusal: DomainError) -> None:
        self.add_error(self.REFUSAL_FIELDS.get(refusal.field), refusal.message)


class SignInForm(AuthenticationForm):
    """Django's AuthenticationForm; its `username` field holds the e-mail address (USERNAME_FIELD)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The e-mail address or password is not right. Check them, or reset your password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.label = "E-mail address"
        field.widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True, "maxlength": 254})


class ResetPasswordForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
