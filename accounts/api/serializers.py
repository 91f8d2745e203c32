"""Account API shapes. Input serializers check shape only; the rules are in accounts.services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.roles import is_pharmacist
from pharmacy.api_fields import StrictCharField, StrictEmailField


class RegisterInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    password = StrictCharField(
        max_length=128,
        trim_whitespace=False,
        write_only=True,
        help_text="Checked by the password validators: at least 8 characters, not common, not all digits, "
        "not like your e-mail or name.",
    )
    full_name = StrictCharField(max_length=200)


class SignInInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True)
    otp_code = StrictCharField(
        max_length=10,
        required=False,
        write_only=True,
        help_text="Staff only: the current code from the authenticator app (TOTP). Required for staff.",
    )


class PasswordResetRequestInputSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)


class LinkInputSerializer(serializers.Serializer):
    uid = StrictCharField(max_length=64, help_text="The `uid` part of the e-mailed link.")
    token = StrictCharField(max_length=128, help_text="The `token` part of the e-mailed link.")


class PasswordResetConfirmInputSerializer(LinkInputSerializer):
    new_password = StrictCharField(max_length=128, trim_whitespace=False, write_only=True)


class AcceptedOutputSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happens next; the same whether or not the address has an account.")


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class MeOutputSerializer(UserOutputSerializer):
    is_pharmacist = serializers.SerializerMethodField(
        help_text="True for members of the Pharmacists group, who may use the review endpoints."
    )
    email_verified = serializers.BooleanField(
        read_only=True, help_text="False until the link e-mailed at sign-up is opened; checkout needs it."
    )

    class Meta(UserOutputSerializer.Meta):
        fields = [*UserOutputSerializer.Meta.fields, "is_pharmacist", "email_verified"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_pharmacist(self, user: User) -> bool:
        return is_pharmacist(user)


class AuthTokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(
        source="key", help_text="Send it as `Authorization: Token <token>`. Shown once; the server keeps only a hash."
    )
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working unless used; each use moves it forward."
    )
    second_factor = serializers.BooleanField(
        help_text="True when the token was issued with an authenticator code (staff); the pharmacist "
        "endpoints need such a token."
    )
    user = UserOutputSerializer()


class AuthTokenRevokeAllOutputSerializer(serializers.Serializer):
    revoked = serializers.IntegerField(min_value=0, help_text="How many tokens (devices) were signed out.")
