"""Erasure with legal holds: the account's erasure (account.py, one step per kind of record in steps.py,
the held records in held.py) and the requests that lead to it (requests.py)."""

from .account import ERASED_KINDS, ensure_may_be_erased, erase_account
from .requests import (
    ErasureMessageKind,
    carry_out_erasure,
    confirm_erasure,
    confirmation_token,
    latest_report,
    receive_erasure_request,
    request_erasure,
    request_for_token,
)

__all__ = [
    "ERASED_KINDS",
    "ErasureMessageKind",
    "carry_out_erasure",
    "confirm_erasure",
    "confirmation_token",
    "ensure_may_be_erased",
    "erase_account",
    "latest_report",
    "receive_erasure_request",
    "request_erasure",
    "request_for_token",
]
