"""Storefront account forms: shape and validation only (Django's password validators included)."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm, PasswordResetForm

User = get_user_model()


class SignUpForm(BaseUserCreationForm):
    """E-mail, full name and the password twice. Saving hashes the password (Django's own form)."""

    password1, password2 = BaseUserCreationForm.create_password_fields(
        label1="Password", label2="Password again"
    )

    class Meta:
        model = User
        fields = ("email", "full_name")
        labels = {"email": "E-mail address", "full_name": "Full name"}
        help_texts = {"full_name": "As on your prescriptions, so our pharmacist can match them."}
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this e-mail address already exists. Sign in, or reset your password.",
                code="duplicate_email",
            )
        return email

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())


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


class ResetPasswordForm(PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
