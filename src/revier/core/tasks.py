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
