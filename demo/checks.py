"""The demo shop's deploy check (`manage.py check --deploy`; scripts/start-web.sh runs it before serving)."""

from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, ProgrammingError


@register(Tags.security, deploy=True)
def check_no_demo_login_with_published_password(app_configs=None, **kwargs):
    """A demo login that still has the password printed in the README is an open door on a public site."""
    from .management.commands.load_demo_catalog import DEMO_LOGINS

    errors = []
    users = get_user_model().objects
    try:
        for login in DEMO_LOGINS:
            user = users.filter(email__iexact=login.email, is_active=True).first()
            if user is not None and user.check_password(login.default_password):
                errors.append(Error(
                    f"The demo login {login.email} exists with its published password.",
                    hint=f"Delete or deactivate the user {login.email}, or give it a new password "
                         "(manage.py changepassword).",
                    id="pharmacy.E001",
                ))
    except ProgrammingError:
        return []  # no users table yet (before the first migrate), hence no demo login
    except DatabaseError as error:
        return [Warning(f"Could not look for demo logins with their published passwords: {error}",
                        hint="Run this check where the database is reachable.", id="pharmacy.W001")]
    return errors
