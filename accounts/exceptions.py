from pharmacy.exceptions import DomainError


class EmailAlreadyRegistered(DomainError):
    code = "email_taken"
    default_message = "An account with this e-mail address already exists. Sign in instead."


class PasswordRejected(DomainError):
    code = "password_rejected"
    default_message = "Choose a stronger password."


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    default_message = "The e-mail address or password is not right."


class SecondFactorRequired(DomainError):
    code = "otp_required"
    default_message = "Staff accounts sign in with a code from their authenticator app as well (otp_code)."


class InvalidSecondFactor(DomainError):
    code = "otp_invalid"
    default_message = "The authenticator code is not right, or was already used. Wait for the next one."


class PermissionRefused(DomainError):
    code = "not_allowed"
    default_message = "You are not allowed to do that."


class SecondFactorEnrolmentRefused(DomainError):
    code = "otp_enrolment_refused"
    default_message = "This account cannot be given an authenticator device."
