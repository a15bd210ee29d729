"""The applicant's side of case work: signed links to a message for e-mails.

The notification e-mail carries no content, only a link. The link to one message is signed
(``TimestampSigner`` via ``django.core.signing``) with the municipality and the message id, so
it cannot be changed to point to another message, and it expires. It is not a login: the
message is shown only after login and only to its owner; the link merely leads there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse

from revier.cases.models import Message

MESSAGE_LINK_SALT = "revier.cases.message-link"
MESSAGE_LINK_MAX_AGE = 30 * 24 * 3600  # 30 days


class MessageLinkInvalid(Exception):
    """The token was changed or is not one of ours."""


class MessageLinkExpired(Exception):
    """The token is genuine but older than ``MESSAGE_LINK_MAX_AGE``."""


@dataclass(frozen=True)
class MessageLinkTarget:
    municipality_id: int
    message_id: int


def message_link_token(*, message: Message) -> str:
    return signing.dumps(
        {"t": message.municipality_id, "m": message.pk}, salt=MESSAGE_LINK_SALT, compress=False
    )


def message_link(*, message: Message) -> str:
    """The absolute signed link to ``message`` for a notification e-mail."""
    from revier.tenancy.models import municipality_absolute_url

    url = reverse(
        "casework_account:message_link",
        args=[message_link_token(message=message)],
        urlconf=settings.MUNICIPALITY_URLCONF,
    )
    # Inside a municipality's request ``reverse`` includes its ``/<slug>/`` script prefix;
    # municipality_absolute_url adds the right prefix or domain itself.
    return municipality_absolute_url(message.municipality, "/" + url[len(get_script_prefix()) :])


def message_link_resolve(*, token: str, max_age: int = MESSAGE_LINK_MAX_AGE) -> MessageLinkTarget:
    """What a link points to. Raises ``MessageLinkExpired`` or ``MessageLinkInvalid``."""
    try:
        value = signing.loads(token, salt=MESSAGE_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise MessageLinkExpired from None
    except signing.BadSignature:
        raise MessageLinkInvalid from None
    try:
        return MessageLinkTarget(municipality_id=int(value["t"]), message_id=int(value["m"]))
    except (KeyError, TypeError, ValueError):
        raise MessageLinkInvalid from None
