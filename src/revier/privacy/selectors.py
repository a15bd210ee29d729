"""Reads for the person's rights: everything stored about one person, across municipalities.

Each module provides its part through the kit's registry ``PersonalDataProvider`` (declared in
its ``module.py``, implemented in its ``personal_data.py``); this module only runs them in order
and names no module. The account is platform-wide while applications, cases and notifications
belong to one municipality each (tenant-scoped, django-scopes). Collecting a person's own data is
the one place that must cross tenants: each provider uses ``scopes_disabled()`` narrowly, and
every query inside it is filtered by the person (``applicant``/``recipient``/``user``)
explicitly, so nothing of another person can be included. The functions allowed to do so are
listed in ``tests/kit/test_scopes_disabled_allowlist.py``.
"""

from __future__ import annotations

from revier.core import kit

FORMAT = "revier-personal-data/1"


class DuplicateSection(ValueError):
    """Two providers returned the same top-level section (or erasure count)."""


def merge_part(into: dict, part: dict, provider: kit.PersonalDataProvider) -> None:
    taken = into.keys() & part.keys()
    if taken:
        raise DuplicateSection(
            f"personal data provider {provider.key!r} returns {sorted(taken)} again."
        )
    into.update(part)


def person_data(*, user) -> dict:
    """Everything about ``user`` in the documented export structure (see docs/adr/0010): the
    format, then each provider's sections in the providers' order."""
    data: dict = {"format": FORMAT}
    for provider in kit.personal_data_providers():
        merge_part(data, kit.resolve(provider.export)(user=user), provider)
    return data


def pdf_sections() -> list[str]:
    """The templates rendering the providers' parts of the PDF export, in order."""
    return [p.pdf_template for p in kit.personal_data_providers() if p.pdf_template]


def municipalities_with_data(*, user) -> list:
    """The municipalities holding data of ``user`` (applications, cases, notifications, …)."""
    from revier.tenancy.models import Municipality

    ids: set[int] = set()
    for provider in kit.personal_data_providers():
        if provider.municipalities:
            ids |= set(kit.resolve(provider.municipalities)(user=user))
    return list(Municipality.objects.filter(pk__in=ids).order_by("pk"))


def deletion_blockers(*, user) -> list[str]:
    """Why ``user`` cannot delete the account now (empty: nothing stands in the way)."""
    reasons: list[str] = []
    for provider in kit.personal_data_providers():
        if provider.erase_blockers:
            reasons.extend(kit.resolve(provider.erase_blockers)(user=user))
    return reasons
