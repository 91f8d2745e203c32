"""The one answer to "which address did this request come from?", used by every throttle and sign-in limit.

`TRUSTED_PROXY_COUNT` says how many proxies we run in front of Django. 0 (the default) means none: the
address is REMOTE_ADDR and `X-Forwarded-For` is ignored, because anyone can send it. With N proxies, each
appends the address it received the request from, so the Nth entry from the right was written by our
outermost proxy: that is the client. Entries further left were sent by the client and are not trusted.
A header with fewer entries than N, or an entry that is not an IP address, falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address (a string), given TRUSTED_PROXY_COUNT; never a value the client chose."""
    meta = request.META
    remote_address = meta.get("REMOTE_ADDR", "") or ""
    trusted_proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted_proxies <= 0:
        return remote_address
    forwarded = [entry for entry in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < trusted_proxies:
        return remote_address  # did not come through all our proxies: only the socket address is known
    return _ip_or_none(forwarded[-trusted_proxies]) or remote_address
