"""Everything a module can contribute, declared the way a real module does."""

from revier.core.kit import (
    AuditEvent,
    BackofficeSection,
    Contributions,
    DemoStep,
    HomeBlock,
    MetricSource,
    Module,
    NotificationEvent,
    PeriodicTask,
    Permission,
    PersonalDataProvider,
    ProcessingActivity,
    Role,
    SearchSourceRef,
    TaskRoute,
    UrlMount,
)


def contributions() -> Contributions:
    return Contributions(
        roles=[Role("sample_keeper", "sample keeper", 80)],
        permissions=[
            Permission("sample_module.manage", "Manage samples", ("sample_keeper", "administrator"))
        ],
        backoffice_sections=[
            BackofficeSection(
                "samples",
                "Samples",
                "sample_backoffice:list",
                "sample_module.manage",
                "The samples of this municipality.",
                group="participation",
                module="samples",
            )
        ],
        modules=[Module("samples", "Samples", "sample:index", "Sample things.")],
        notification_events=[
            NotificationEvent(
                "sample_ready", "Sample ready", "Sample {reference}", "Ready: {link}", "{link}"
            )
        ],
        processing_activities=[
            ProcessingActivity(
                key="samples",
                name="Sample processing",
                purpose="Testing the kit.",
                data_categories="None.",
                legal_basis="None.",
                retention="None.",
                recipients="None.",
                module="samples",
            )
        ],
        personal_data=[
            PersonalDataProvider(
                "samples", "Samples", export="tests.kit.sample_module.views.export_person"
            )
        ],
        task_routes=[TaskRoute("tests.kit.sample_module.tasks.sweep", "background")],
        periodic_tasks=[PeriodicTask("sample-sweep", "tests.kit.sample_module.tasks.sweep", 60.0)],
        demo=[DemoStep("samples", "tests.kit.sample_module.views.demo", order=99)],
        home_blocks=[
            HomeBlock(
                "samples",
                "sample_module/home_block.html",
                "tests.kit.sample_module.views.home_block",
                module="samples",
            )
        ],
        search_sources=[SearchSourceRef("samples", "tests.kit.sample_module.search.SOURCE")],
        metric_sources=[MetricSource("samples", "tests.kit.sample_module.views.metrics")],
        audit_events=[AuditEvent("samples.looked", "Looked at sample %(name)s")],
        urls=[
            UrlMount("beispiele/", "tests.kit.sample_module.urls"),
            UrlMount("backoffice/beispiele/", "tests.kit.sample_module.urls_backoffice"),
            UrlMount("", "tests.kit.sample_module.urls_api", site="api"),
        ],
    )
