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


class ErasureNotAllowed(DomainError):
    code = "erasure_not_allowed"
    http_status = 409
    default_message = (
        "A staff account cannot be erased from here: an administrator closes it, as its actions are on record."
    )


class ErasureBlockedByOpenOrder(DomainError):
    code = "erasure_blocked_by_open_order"
    http_status = 409
    default_message = (
        "You have an order in progress. Cancel it, or wait until it is dispatched, then ask again for your "
        "account to be erased."
    )


class ErasureLinkInvalid(DomainError):
    code = "erasure_link_invalid"
    http_status = 404
    default_message = "This erasure link has expired or was already used. Ask again from your account page."


class ErasureRequestClosed(DomainError):
    code = "erasure_request_closed"
    http_status = 409
    default_message = "This erasure request is already completed or refused."


class NoDataExport(DomainError):
    code = "no_data_export"
    http_status = 404
    default_message = "You have not asked for a copy of your data yet."


class ExportLimitReached(DomainError):
    code = "export_limit_reached"
    http_status = 429
    default_message = (
        "You have asked for several copies of your data today. Download the latest from your account, or ask "
        "again tomorrow."
    )
