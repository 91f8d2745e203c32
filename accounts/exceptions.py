from pharmacy.exceptions import DomainError


class PasswordRejected(DomainError):
    code = "password_rejected"
    http_status = 400  # sign-up and sign-in refusals are about the fields sent
    default_message = "Choose a stronger password."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    http_status = 400
    default_message = "The e-mail address or password is not right."


class AccountLocked(DomainError):
    code = "account_locked"
    http_status = 429
    default_message = (
        "Too many failed sign-ins for this account or from your network: signing in is locked for {minutes} "
        "minutes. Try again later, or reset your password."
    )


class EmailNotVerified(DomainError):
    code = "email_not_verified"
    default_message = (
        "Confirm your e-mail address before your first order: open the link we e-mailed you when you signed "
        "up. To get a new link, use \"Send the link again\" at /accounts/verify-email/ (API: POST "
        "/api/v1/auth/verify-email/resend/)."
    )


class InvalidLink(DomainError):
    code = "invalid_link"
    http_status = 400
    default_message = "This link is invalid or has expired. Ask for a new one."
class SecondFactorRequired(DomainError):
    code = "otp_required"
    http_status = 400
    default_message = "Staff accounts sign in with a code from their authenticator app as well (otp_code)."


class InvalidSecondFactor(DomainError):
    code = "otp_invalid"
    http_status = 400
    default_message = "The authenticator code is not right, or was already used. Wait for the next one."


class PermissionRefused(DomainError):
    code = "not_allowed"
    http_status = 403
    default_message = "You are not allowed to do that."


class SecondFactorEnrolmentRefused(DomainError):
    code = "otp_enrolment_refused"
    default_message = "This account cannot be given an authenticator device."
