"""The tenant: a municipality (Kommune) with its keys, branding, legal data, domains and modules."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from revier.tenancy import keys, modules

RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "accounts",
        "static",
        "media",
        "healthz",
        "readyz",
        "i18n",
        "backoffice",
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "leichte-sprache",
        "favicon.ico",
        "robots.txt",
        "www",
        "platform",
        "static-files",
        "__debug__",
        # The benchmark's floor (/_bench/floor): never a municipality, so the floor pays no lookup.
        "_bench",
    }
)

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #005ca9.")
)
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


def validate_slug_not_reserved(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for the platform and cannot be a municipality's address."),
            params={"slug": value},
            code="reserved_slug",
        )


def validate_domain(value: str) -> None:
    if not _DOMAIN_RE.match(value):
        raise ValidationError(
            _("“%(domain)s” is not a valid host name (e.g. service.zeitz.de)."),
            params={"domain": value},
            code="invalid_domain",
        )


def validate_module_keys(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(_("Modules must be a list of module keys."), code="modules_type")
    unknown = sorted(set(value) - {m.key for m in modules.all_modules()})
    if unknown:
        raise ValidationError(
            _("Unknown modules: %(keys)s."),
            params={"keys": ", ".join(unknown)},
            code="unknown_module",
        )


class Municipality(models.Model):
    """A municipality on this installation. Not tenant-owned itself: it *is* the tenant."""

    slug = models.SlugField(
        _("address"),
        max_length=63,
        unique=True,
        validators=[validate_slug_not_reserved],
        help_text=_("Used in the web address, e.g. zeitz for /zeitz/."),
    )
    name = models.CharField(_("name"), max_length=200)
    official_name = models.CharField(
        _("official name"), max_length=200, blank=True, help_text=_("e.g. Stadt Zeitz")
    )
    ags = models.CharField(
        _("AGS (Amtlicher Gemeindeschlüssel)"),
        max_length=8,
        unique=True,
        validators=[keys.validate_ags],
    )
    ars = models.CharField(
        _("ARS (Amtlicher Regionalschlüssel)"),
        max_length=12,
        unique=True,
        validators=[keys.validate_ars],
    )
    kreis = models.CharField(_("district (Kreis)"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    # Branding
    logo = models.FileField(_("logo"), upload_to="municipalities/logos/", blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#004b76", validators=[colour_validator]
    )

    # Contact and Impressum (§ 5 DDG)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    represented_by = models.CharField(
        _("represented by"), max_length=200, blank=True, help_text=_("e.g. the mayor")
    )
    legal_form = models.CharField(
        _("legal form"),
        max_length=200,
        blank=True,
        default="Gebietskörperschaft des öffentlichen Rechts",
    )
    vat_id = models.CharField(_("VAT identification number"), max_length=20, blank=True)
    supervisory_authority = models.CharField(_("supervisory authority"), max_length=300, blank=True)
    data_protection_officer = models.CharField(
        _("data protection officer"), max_length=300, blank=True
    )
    data_protection_email = models.EmailField(_("data protection e-mail"), blank=True)
    accessibility_email = models.EmailField(
        _("accessibility contact e-mail"),
        blank=True,
        help_text=_("Receives feedback from the accessibility statement."),
    )

    enabled_modules = models.JSONField(
        _("enabled modules"), default=list, blank=True, validators=[validate_module_keys]
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        # Lists by name (API, search results) read the first page from the index, not a sort of
        # every municipality.
        indexes = [models.Index(fields=["name", "id"], name="tenancy_municipality_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.ags and self.ars:
            try:
                keys.validate_ags(self.ags)
                keys.validate_ars(self.ars)
                keys.validate_ags_matches_ars(self.ags, self.ars)
            except ValidationError as exc:
                if exc.code == "ags_ars_mismatch":
                    errors["ars"] = exc
        if self.primary_colour and colour_validator.regex.match(self.primary_colour):
            ratio = contrast_with_white(self.primary_colour)
            if ratio < 4.5:
                errors["primary_colour"] = ValidationError(
                    gettext(
                        "The colour has a contrast of %(ratio)s:1 to white; at least 4.5:1 is "
                        "needed so that text on it stays readable (WCAG 2.1 AA)."
                    )
                    % {"ratio": number_format(ratio, 1)},
                    code="contrast",
                )
        if errors:
            raise ValidationError(errors)

    @property
    def land(self) -> str:
        return keys.land_name(self.ags)

    @property
    def kreis_key(self) -> str:
        return self.ags[:5]

    def module_enabled(self, key: str) -> bool:
        return key in (self.enabled_modules or []) and modules.get(key) is not None

    def enabled_module_list(self) -> list[modules.Module]:
        return [m for m in modules.all_modules() if m.key in (self.enabled_modules or [])]

    def get_absolute_url(self) -> str:
        return f"/{self.slug}/"


class Domain(models.Model):
    """A custom host name under which one municipality is served."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="domains",
        verbose_name=_("municipality"),
    )
    domain = models.CharField(
        _("domain"), max_length=253, unique=True, validators=[validate_domain]
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"],
                condition=models.Q(is_primary=True),
                name="tenancy_one_primary_domain",
            )
        ]

    def __str__(self) -> str:
        return self.domain


def municipality_absolute_url(municipality: Municipality, path: str) -> str:
    """An absolute link to ``path`` (as ``reverse`` gives it inside the municipality, without
    the slug) for e-mails sent without a request: the primary domain if there is one, else the
    platform's ``REVIER_PUBLIC_URL`` with the ``/<slug>`` prefix."""
    from django.conf import settings

    path = "/" + path.lstrip("/")
    primary = next((d for d in municipality.domains.all() if d.is_primary), None)
    if primary is not None:
        scheme = "https" if settings.PRODUCTION else "http"
        return f"{scheme}://{primary.domain}{path}"
    return f"{settings.REVIER_PUBLIC_URL}/{municipality.slug}{path}"
