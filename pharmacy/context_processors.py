from django.conf import settings


def pharmacy(request):
    """The registration and contact furniture every page of a regulated pharmacy shows."""
    return {
        "pharmacy": {
            "name": settings.PHARMACY_NAME,
            "registration": settings.PHARMACY_REGISTRATION,
            "superintendent": settings.PHARMACY_SUPERINTENDENT,
            "address": settings.PHARMACY_ADDRESS,
            "email": settings.PHARMACY_CONTACT_EMAIL,
            "phone": settings.PHARMACY_CONTACT_PHONE,
        }
    }
