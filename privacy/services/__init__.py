"""The privacy app's services: consent and the privacy notice, subject access exports, and the retention clock."""

from .consent import (
    active_consent,
    consent_for_order,
    current_notice,
    give_consent,
    has_current_consent,
    publish_notice,
    require_current_consent,
    withdraw_consent,
)
from .export import build_export, download_token, export_for_download, latest_export, read_export, request_export

__all__ = [
    "active_consent",
    "build_export",
    "consent_for_order",
    "download_token",
    "export_for_download",
    "latest_export",
    "read_export",
    "request_export",
    "current_notice",
    "give_consent",
    "has_current_consent",
    "publish_notice",
    "require_current_consent",
    "withdraw_consent",
]
