from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction


class AccountAdapter(DefaultAccountAdapter):
    """Sends allauth's mail through Revier's mail queue instead of synchronously."""

    def send_mail(self, template_prefix, email, context):
        from revier.core.tasks import send_mail_task

        msg = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(msg, "alternatives", []):
            if mimetype == "text/html":
                html = content
        subject, body, to = msg.subject, msg.body, list(msg.to)
        transaction.on_commit(
            lambda: send_mail_task.delay(subject=subject, body=body, to=to, html=html)
        )
