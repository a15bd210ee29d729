"""What the news module contributes to the platform (see ``revier.core.kit``).

Everything the platform needs to know about news is declared here: nothing outside
``src/revier/news/`` names the module but its line in ``INSTALLED_APPS``.
"""

from django.utils.translation import gettext_lazy as _

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    DemoStep,
    HomeBlock,
    Module,
    PeriodicTask,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    TaskRoute,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        # The public module a municipality switches on or off (navigation; 404 when off).
        modules=[
            Module(
                key="news",
                label=_("News"),
                url_name="news:list",
                description=_("Announcements and news from the town hall."),
            )
        ],
        # Checked as user.has_perm("news.manage_news", municipality); these roles hold it.
        permissions=[
            Permission(
                "news.manage_news", _("Write and publish news"), ("administrator", "moderator")
            )
        ],
        backoffice_sections=[
            BackofficeSection(
                "news",
                _("News"),
                "news_backoffice:list",
                "news.manage_news",
                _("Write news, publish them now or at a set time, take them back."),
                group="content",
                order=10,
                module="news",
            )
        ],
        processing_activities=[
            ProcessingActivity(
                order=80,
                key="news",
                name=_("News of the town hall"),
                purpose=_("Writing and publishing the municipality's news."),
                data_categories=_(
                    "Name of the staff member who wrote a news item (not published), times of "
                    "writing and publication; the audit log of changes."
                ),
                legal_basis=_(
                    "Art. 6 (1) (e) GDPR (informing the public) and (c) (record of the "
                    "staff's actions)."
                ),
                retention=_(
                    "As long as the news item exists; when a staff member's account is deleted, "
                    "the news items stay without the author."
                ),
                recipients=_("Staff of the municipality; the published text is public."),
                module="news",
            )
        ],
        personal_data=[
            PersonalDataProvider(
                "news",
                _("News written"),
                export="revier.news.personal_data.export",
                erase="revier.news.personal_data.erase",
                municipalities="revier.news.personal_data.municipalities",
                pdf_template="news/personal_data_pdf.html",
                order=80,
            )
        ],
        task_routes=[
            TaskRoute("revier.news.tasks.publish_due", "background"),
            TaskRoute("revier.news.tasks.publish_due_municipality", "background"),
        ],
        periodic_tasks=[
            PeriodicTask("news-publish-due", "revier.news.tasks.publish_due", 60.0),
        ],
        audit_events=[
            AuditEvent("news.created", _("Created the news item")),
            AuditEvent("news.changed", _("Changed the news item")),
            AuditEvent("news.published", _("Published the news item")),
            AuditEvent("news.scheduled", _("Scheduled the news item")),
            AuditEvent("news.unpublished", _("Took the news item back")),
            AuditEvent("news.deleted", _("Deleted the news item")),
            AuditEvent("news.published_as_scheduled", _("Published the news item as scheduled")),
        ],
        urls=[
            UrlMount("aktuelles/", "revier.news.urls"),
            UrlMount("backoffice/aktuelles/", "revier.news.urls_backoffice"),
            UrlMount("", "revier.news.urls_api", site="api"),
        ],
        demo=[
            DemoStep("news", "revier.news.demo.load", order=20),
        ],
        home_blocks=[
            HomeBlock(
                "news", "news/_home_block.html", "revier.news.selectors.home_block", 50, "news"
            ),
        ],
    )
