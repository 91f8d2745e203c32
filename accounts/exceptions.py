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
