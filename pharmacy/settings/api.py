"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular)."""

from .environment import env
from .security import TRUSTED_PROXY_COUNT

# --- REST API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",  # knox's, with fixed-length staff tokens
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["pharmacy.api.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "pharmacy.api.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pharmacy.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    # AnonThrottle and UserThrottle, read and written together: one Redis round trip each way.
    "DEFAULT_THROTTLE_CLASSES": ["pharmacy.throttling.DefaultThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="600/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        "register": env.str("THROTTLE_REGISTER", default="10/hour"),
        "upload": env.str("THROTTLE_UPLOAD", default="20/hour"),
        "checkout": env.str("THROTTLE_CHECKOUT", default="30/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pharmacy API",
    "DESCRIPTION": "Catalog, cart, prescription-gated checkout and pharmacist review.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Docs assets come from drf-spectacular-sidecar so /api/docs/ works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set that several fields share (order status, prescription status).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PrescriptionStatusEnum": "prescriptions.models.PrescriptionStatus",
        "RefusalReasonEnum": "orders.refusals.RefusalReason",
        "LineDecisionEnum": "orders.models.LineDecision",
    },
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT  # DRF's own get_ident agrees with ours
