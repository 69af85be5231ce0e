"""System checks of a production hall that read its database (``check --deploy``).

``python -m hall demo`` refuses to run outside a development hall; but a database that once
held the demo (a trial copied to production, a development dump restored) still has accounts
anyone who read the README can log in with, and staff whose second factor is printed there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError
from django_otp.plugins.otp_totp.models import TOTPDevice

from hall.accounts.models import User
from hall.portal.management.commands.demo import DEMO_TOTP_KEY, LOGINS


@register(Tags.security, deploy=True)
def no_demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """hall.E101: the demo's logins (known passwords) or its printed authenticator key."""
    if settings.DEVELOPMENT:
        return []
    try:
        found = _demo_logins()
    except DatabaseError:  # not migrated yet, or not reachable: nothing to find
        return []
    if not found:
        return []
    return [Error(
        f"the demo's accounts are in this database ({', '.join(found)}): their passwords and "
        "the staff's second factor are printed in the README",
        hint="delete them (or restore a database that never ran `python -m hall demo`)",
        id="hall.E101",
    )]  # fmt: skip


def _demo_logins() -> list[str]:
    """The demo mobiles whose account still has the demo's password or authenticator key."""
    printed_key = TOTPDevice.objects.filter(key=DEMO_TOTP_KEY.hex()).values_list(
        "user__mobile", flat=True
    )
    found = set(printed_key)
    for mobile, password, _role, _what in LOGINS:
        user = User.objects.filter(mobile=mobile).first()
        # (hashers' check_password: the user's own would save a rehashed password)
        if user is not None and check_password(password, user.password):
            found.add(mobile)
    return sorted(found)


@register(Tags.staticfiles, deploy=True)
def static_files_collected(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """hall.E102: hashed static names without ``collectstatic``'s manifest: every page that
    links a stylesheet would be a 500."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not settings.STATIC_MANIFEST or manifest.exists():
        return []
    return [Error(
        f"static files are served under hashed names but {manifest} is missing",
        hint="run `python -m hall collectstatic --noinput` with each release (compose.yaml's "
             "collectstatic service does)",
        id="hall.E102",
    )]  # fmt: skip
