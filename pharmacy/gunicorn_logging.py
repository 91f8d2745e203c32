"""gunicorn's access log without personal data: no query string (search terms), no referrer (which repeats
another page's), no request headers, and no secret in the path (the uid and token of an e-mail verification
or password reset link, found by resolving the path with Django's URL patterns)."""

from django.urls import Resolver404, resolve
from gunicorn.glogging import Logger

REDACTED = "[redacted]"
SECRET_URL_ARGUMENTS = frozenset({"uidb64", "token"})


def scrubbed_path(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    secrets = {str(value) for name, value in match.kwargs.items() if name in SECRET_URL_ARGUMENTS}
    if not secrets:
        return path
    return "/".join(REDACTED if segment in secrets else segment for segment in path.split("/"))


class ScrubbedAccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = {name: value for name, value in super().atoms(resp, req, environ, request_time).items()
                 if not name.startswith("{")}  # headers ({cookie}i, {authorization}i) and environ
        path = scrubbed_path(environ.get("PATH_INFO") or "/")
        atoms.update(r=f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}",
                     U=path, q="", f="-", u="-")
        return atoms
