"""How long closed cases are kept (Aktenaufbewahrung) per municipality and, optionally, per
service."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel

# Ten years: a common period for administrative records; each municipality must set its own
# according to its Aktenordnung / the law of the service.
DEFAULT_CLOSED_DAYS = 3650


class CaseRetentionPolicy(TenantOwnedModel):
    class Action(models.TextChoices):
        ANONYMISE = "anonymise", _("anonymise (keep reference, service, dates and result)")
        DELETE = "delete", _("delete")

    # Empty: the municipality's default for every service without its own policy.
    leika = models.CharField(_("LeiKa key"), max_length=14, blank=True)
    closed_days = models.PositiveIntegerField(
        _("keep closed cases (days)"), default=DEFAULT_CLOSED_DAYS
    )
    action = models.CharField(
        _("after that"), max_length=16, choices=Action.choices, default=Action.ANONYMISE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case retention policy")
        verbose_name_plural = _("case retention policies")
        ordering = ["leika"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "leika"], name="privacy_case_retention_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.leika or '*'}: {self.closed_days} days, {self.action}"
