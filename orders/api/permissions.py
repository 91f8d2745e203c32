from rest_framework.permissions import BasePermission

from orders.services import is_pharmacist


class IsPharmacist(BasePermission):
    """Members of the Pharmacists group only; being staff or a superuser is not enough."""

    message = "Only a pharmacist in the Pharmacists group can review prescriptions."

    def has_permission(self, request, view) -> bool:
        return is_pharmacist(request.user)
