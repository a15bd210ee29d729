"""What the core contributes to the platform (see ``revier.core.kit``): the mail queue, the
outbox sweeper and the audit log's processing activity."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from revier.core.kit import Contributions, PeriodicTask, ProcessingActivity, TaskRoute


def contributions() -> Contributions:
    return Contributions(
        task_routes=[
            TaskRoute("revier.core.tasks.send_mail_task", "mail"),
            TaskRoute("revier.core.tasks.import_run_task", "background"),
            TaskRoute("revier.core.tasks.outbox_sweep", "default"),
        ],
        # The transactional outbox's safety net (revier.core.outbox, ADR 0030).
        periodic_tasks=[
            PeriodicTask(
                "core-outbox-sweep",
                "revier.core.tasks.outbox_sweep",
                settings.REVIER_OUTBOX_SWEEP_SECONDS,
                at_worker_start=True,
            ),
        ],
        processing_activities=[
            ProcessingActivity(
                order=50,
                key="audit_log",
                name=_("Audit log"),
                purpose=_(
                    "Recording which staff member viewed or changed personal data, to protect "
                    "your data "
                    "and to prove lawful processing (Art. 5 (2) GDPR)."
                ),
                data_categories=_(
                    "Staff member, time, action, affected record, IP address of the staff member."
                ),
                legal_basis=_("Art. 6 (1) (c) GDPR in conjunction with Art. 5 (2) and 32 GDPR."),
                retention=_("As set in the municipality's logging policy."),
                recipients=_(
                    "The data protection officer and authorised staff of the municipality."
                ),
            ),
        ],
    )
