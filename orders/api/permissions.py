from rest_framework.permissions import BasePermission

from accounts.second_factor import is_second_factor_verified
from orders.services import is_pharmacist


class IsPharmacist(BasePermission):
    """Members of the Pharmacists group only (being staff or a superuser is not enough), signed in with
    a second factor: a token issued with a TOTP code, or an OTP-verified admin session."""

    message = "Only a pharmacist in the Pharmacists group can review prescriptions."
    unverified_message = (
        "The pharmacist endpoints need a second factor: sign in again with your authenticator code (otp_code)."
    )

    def has_permission(self, request, view) -> bool:
        if not is_pharmacist(request.user):
            return False
        if not self._second_factor_verified(request):
            self.message, self.code = self.unverified_message, "second_factor_required"
            return False
        return True

    @staticmethod
    def _second_factor_verified(request) -> bool:
        if request.auth is not None:
            return is_second_factor_verified(request.auth)
        # A session: django-otp's middleware says whether this session passed the admin's TOTP check.
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())
