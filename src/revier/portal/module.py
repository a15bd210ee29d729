"""What the portal module contributes to the platform (see ``revier.core.kit``)."""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    Permission,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        audit_events=[
            AuditEvent(
                "portal.feedback_status_changed", _("Changed the status from %(from)s to %(to)s")
            ),
            AuditEvent("portal.feedback_viewed", _("Viewed the accessibility feedback")),
        ],
        permissions=[
            Permission(
                "portal.view_feedback",
                _("Read and answer accessibility feedback"),
                ("administrator", "moderator"),
            ),
        ],
        backoffice_sections=[
            BackofficeSection(
                "feedback",
                _("Accessibility feedback"),
                "portal_backoffice:feedback_list",
                "portal.view_feedback",
                _("Barriers reported through the accessibility statement."),
                order=40,
            ),
        ],
        urls=[
            # The portal's pages (home, legal pages, error pages) go last: they hold catch-alls.
            UrlMount("", "revier.portal.urls_municipality", order=900),
            UrlMount("backoffice/rueckmeldungen/", "revier.portal.urls_backoffice"),
            UrlMount("", "revier.portal.urls", site="platform", order=0),
        ],
    )
