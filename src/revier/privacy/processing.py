"""The register of processing activities (Art. 30 GDPR) shown on each municipality's privacy
page (Art. 13 GDPR). Activities are declared in one place, ``revier.privacy.activities``; an
activity bound to a module is listed only where the municipality has switched that module on."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class ProcessingActivity:
    key: str
    name: Promise
    purpose: Promise
    data_categories: Promise
    legal_basis: Promise
    retention: Promise
    recipients: Promise
    module: str = ""  # empty: always; else only where this module is switched on


_registry: dict[str, ProcessingActivity] = {}


def register(activity: ProcessingActivity) -> ProcessingActivity:
    if activity.key in _registry and _registry[activity.key] != activity:
        raise ValueError(f"Processing activity {activity.key!r} is registered twice.")
    _registry[activity.key] = activity
    return activity


def activities_for(municipality=None) -> list[ProcessingActivity]:
    """The activities in registration order; for a municipality only its enabled modules'."""
    return [
        a
        for a in _registry.values()
        if not a.module or (municipality is not None and municipality.module_enabled(a.module))
    ]
