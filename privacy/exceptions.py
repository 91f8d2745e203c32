from pharmacy.exceptions import DomainError


class HealthDataConsentRequired(DomainError):
    code = "health_data_consent_required"
    http_status = 422  # the request lacks the consent a rule needs, not the right to ask
    default_message = (
        "Your order shows something about your health, so we need your explicit consent to use that "
        "information first. Read the privacy notice and tick the health-data consent box."
    )


class PrivacyNoticeOutdated(DomainError):
    code = "privacy_notice_outdated"
    http_status = 409
    default_message = (
        "The privacy notice has changed since it was shown to you. Read the current one and consent again."
    )


class NoPrivacyNotice(DomainError):
    code = "no_privacy_notice"
    http_status = 409
    default_message = "The privacy notice is not published yet, so no consent can be given."


class NoConsentToWithdraw(DomainError):
    code = "no_consent_to_withdraw"
    http_status = 409
    default_message = "You have not given health-data consent, so there is nothing to withdraw."


class PrivacyNoticePublished(DomainError):
    code = "privacy_notice_published"
    http_status = 409
    default_message = "A published privacy notice cannot change; draft a new revision instead."


class ExportNotAvailable(DomainError):
    code = "export_not_available"
    http_status = 404
    default_message = "This export link has expired or is not yours. Request a new export from your account."
