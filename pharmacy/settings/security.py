"""Security settings: headers, client addresses, sign-in limits, API tokens and the staff second factor."""

from datetime import timedelta

from .environment import env

# --- Security headers (production.py adds HTTPS-only ones) ----------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Client addresses, sign-in limits, password reset and e-mail verification -------------------------
# How many proxies we run in front of Django: 0 = none, the client is REMOTE_ADDR and X-Forwarded-For is
# ignored; N = the Nth X-Forwarded-For entry from the right (pharmacy/client_address.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: failed sign-ins (storefront, API, admin) counted per client address and, separately, per
# account; AXES_FAILURE_LIMIT failures lock that address or account out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["ip_address"], ["username"]]
AXES_CLIENT_IP_CALLABLE = "pharmacy.client_address.client_address"
AXES_USERNAME_CALLABLE = "accounts.sign_in_limits.attempted_email"
AXES_LOCKOUT_CALLABLE = "accounts.sign_in_limits.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the cool-off runs from the lockout, not the last try
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2"]
# Axes' log lines name no attempted e-mail address (its verbose default logs them, and its client string
# carries the username, a lockout parameter): the client is named by the path alone.
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "accounts.sign_in_limits.client_description"
# E-mail verification and password reset links are valid this long (Django's token generators).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)
# The site's address as shoppers reach it, for the links in e-mails (sent by a worker, with no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# --- API tokens and staff second factor (django-rest-knox, django-otp) ------------------------------
# Tokens are stored as SHA-512 digests, one per sign-in (device); each use slides a shopper's expiry forward.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
# However often it is used, a shopper's token stops this many days after sign-in (knox's AUTO_REFRESH_MAX_TTL):
# a lost phone's token, kept alive by an app that polls, does not open the health record for ever.
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=90)
# Staff tokens (issued with a TOTP code) last this long from sign-in, used or not, and never slide.
STAFF_TOKEN_TTL_HOURS = env.int("STAFF_TOKEN_TTL_HOURS", default=8)
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(days=API_TOKEN_MAX_AGE_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
}
# The TOTP issuer shown in authenticator apps; the admin never shows a device's key after creation.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Pharmacy")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# --- Hardening: demo logins, upload body limit ----------------------------------------------------------
# load_demo_catalog creates the demo logins only where this is true; production.py sets it False.
DEMO_LOGINS_ALLOWED = True
# A prescription upload whose Content-Length exceeds PRESCRIPTION_MAX_UPLOAD_BYTES plus this allowance
# for the multipart framing and the form's other fields is refused (413) before its body is read.
UPLOAD_REQUEST_OVERHEAD_BYTES = env.int("UPLOAD_REQUEST_OVERHEAD_BYTES", default=64 * 1024)
