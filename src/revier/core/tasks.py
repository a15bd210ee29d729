"""Background tasks of the core. Tasks take primitive arguments and, where tenant data is
involved, ``municipality_id`` explicitly."""

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="revier.core.tasks.send_mail_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_mail_task(
    *, subject: str, body: str, to: list[str], html: str = "", reply_to: list[str] | None = None
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, reply_to=reply_to or None)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@shared_task(name="revier.core.tasks.import_run_task")
def import_run_task(*, run_id: int, municipality_id: int | None) -> str:
    """Execute an import run (queue ``background``). ``municipality_id`` None: a platform run."""
    from revier.core.imports.services import import_run_execute

    return import_run_execute(run_id=run_id, municipality_id=municipality_id).status
