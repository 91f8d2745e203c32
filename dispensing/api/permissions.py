from rest_framework.permissions import BasePermission

from accounts.roles import is_pharmacist
from accounts.second_factor import request_has_second_factor
from orders.services import may_change_orders


class IsPharmacist(BasePermission):
    """Pharmacists only (staff in the Pharmacists group with a confirmed authenticator; being staff or a
    superuser is not enough), signed in with a second factor: a token issued with a TOTP code, or an
    OTP-verified admin session."""

    message = "Only a pharmacist in the Pharmacists group can review prescriptions."
    unverified_message = (
        "The pharmacist endpoints need a second factor: sign in again with your authenticator code (otp_code)."
    )

    def has_permission(self, request, view) -> bool:
        if not is_pharmacist(request.user):
            return False
        if not request_has_second_factor(request):
            self.message, self.code = self.unverified_message, "second_factor_required"
            return False
        return True


class MayDispatchOrders(BasePermission):
    """Pharmacy staff with the change-orders permission (pharmacists, or the warehouse's own account),
    signed in with a second factor, as the pharmacist endpoints are. The service checks the permission
    again; this keeps everyone else out of the dispatch queue too."""

    message = "Only pharmacy staff with permission to change orders can see or dispatch them."

    def has_permission(self, request, view) -> bool:
        if not may_change_orders(request.user):
            return False
        if not request_has_second_factor(request):
            self.message, self.code = IsPharmacist.unverified_message, "second_factor_required"
            return False
        return True
