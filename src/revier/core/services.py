"""Writes of the core: API tokens."""

from django.db import transaction
from rest_framework.authtoken.models import Token


@transaction.atomic
def api_token_issue(*, user, reset: bool = False) -> str:
    """The API token of ``user`` (created if missing; ``reset`` replaces an existing one)."""
    if reset:
        Token.objects.filter(user=user).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token.key
