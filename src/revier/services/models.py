"""The service catalogue: federal services keyed by LeiKa (not tenant-owned) and each
municipality's overlay (offices, local offer)."""

import re

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from revier.accounts.models import TrustLevel
from revier.core.models import TenantOwnedModel

LEIKA_RE = re.compile(r"99[0-9]{12}")
LEIKA_URN_PREFIX = "urn:de:fim:leika:leistung:"


def validate_leika(value: str) -> None:
    """A LeiKa service key: exactly 14 ASCII digits, starting with 99."""
    if not isinstance(value, str) or not LEIKA_RE.fullmatch(value):
        raise ValidationError(
            _("%(value)s is not a LeiKa key: it must be 14 digits (0-9) starting with 99."),
            code="invalid_leika",
            params={"value": repr(value)},
        )


class Themenfeld(models.TextChoices):
    """The 14 OZG Themenfelder."""

    ARBEIT_RUHESTAND = "arbeit-ruhestand", _("Work and retirement")
    BAUEN_WOHNEN = "bauen-wohnen", _("Building and housing")
    BILDUNG = "bildung", _("Education")
    EIN_AUSWANDERUNG = "ein-auswanderung", _("Immigration and emigration")
    ENGAGEMENT_HOBBY = "engagement-hobby", _("Volunteering and hobbies")
    FAMILIE_KIND = "familie-kind", _("Family and children")
    FORSCHUNG_FOERDERUNG = "forschung-foerderung", _("Research and funding")
    GESUNDHEIT = "gesundheit", _("Health")
    MOBILITAET_REISEN = "mobilitaet-reisen", _("Mobility and travel")
    QUERSCHNITT = "querschnitt", _("Cross-cutting services")
    RECHT_ORDNUNG = "recht-ordnung", _("Law and public order")
    STEUERN_ZOLL = "steuern-zoll", _("Taxes and customs")
    UMWELT = "umwelt", _("Environment")
    UNTERNEHMENSFUEHRUNG = "unternehmensfuehrung", _("Running and developing a business")


class Addressee(models.TextChoices):
    CITIZENS = "citizens", _("Residents")
    BUSINESSES = "businesses", _("Businesses")
    BOTH = "both", _("Residents and businesses")


class LifeSituation(models.Model):
    """A Lebenslage (residents) or Unternehmenslage (businesses) to browse the catalogue by."""

    class Kind(models.TextChoices):
        LEBENSLAGE = "lebenslage", _("life situation")
        UNTERNEHMENSLAGE = "unternehmenslage", _("business situation")

    slug = models.SlugField(_("address"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service of the federal catalogue (LeiKa / FIM Leistung), shared by all municipalities.

    Later modules link to it by foreign key (forms, fees, cases); ``leika`` is the stable key
    towards the outside (FIT-Connect ``publicServiceType``, imports).
    """

    leika = models.CharField(
        _("LeiKa key"), max_length=14, unique=True, validators=[validate_leika]
    )
    name = models.CharField(_("name"), max_length=300)
    short_text = models.TextField(_("short text"), blank=True)
    full_text = models.TextField(_("full text"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    documents = models.TextField(_("documents needed"), blank=True)
    fees = models.TextField(_("fees"), blank=True)
    deadlines = models.TextField(_("deadlines"), blank=True)
    processing_time = models.TextField(_("processing time"), blank=True)
    # For later use by case deadlines; the text above is what residents read.
    processing_days = models.PositiveIntegerField(
        _("processing time in days"), null=True, blank=True
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    themenfeld = models.CharField(
        _("Themenfeld"), max_length=32, choices=Themenfeld.choices, blank=True, db_index=True
    )
    life_situations = models.ManyToManyField(
        LifeSituation, blank=True, related_name="services", verbose_name=_("life situations")
    )
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    addressee = models.CharField(
        _("addressee"), max_length=16, choices=Addressee.choices, default=Addressee.CITIZENS
    )
    # Maintained by revier.services.search (never by signals): lower-cased name, synonyms and
    # short text for substring and trigram matching, and the weighted German text vector on
    # PostgreSQL. SQLite keeps its FTS5 table in step instead of the vector.
    search_text = models.TextField(editable=False, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # Hash of the imported content: an import that brings nothing new does not rewrite the row.
    content_hash = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name", "leika"]

    def __str__(self) -> str:
        return f"{self.name} ({self.leika})"

    @property
    def urn(self) -> str:
        return LEIKA_URN_PREFIX + self.leika


class Office(TenantOwnedModel):
    """An Organisationseinheit of the municipality (Bürgerbüro, Ordnungsamt, Standesamt …)."""

    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    # Where the entrance is, in WGS 84 decimal degrees (plain coordinates: ADR 0022).
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Decimal degrees, e.g. 51.0479 (for Zeitz). Shown on a map."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Decimal degrees, e.g. 12.1383 (for Zeitz)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="services_office_unique"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="services_office_location",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LocalService(TenantOwnedModel):
    """How a municipality offers a catalogue service: who is responsible (Zuständigkeit), local
    fees and notes, and whether it can be applied for online here."""

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="local_services", verbose_name=_("service")
    )
    office = models.ForeignKey(
        Office,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="local_services",
        verbose_name=_("responsible office"),
    )
    local_fees = models.TextField(_("local fees"), blank=True)
    notes = models.TextField(_("local notes"), blank=True)
    # The municipality's wish to take applications online here. Residents see "available online"
    # only where a way to apply exists: a published form here (``start_url``, set by the
    # selectors from the kit's online applications) or ``online_url`` (ADR 0038).
    online = models.BooleanField(_("apply online here"), default=False)
    online_url = models.URLField(
        _("online service elsewhere"),
        max_length=500,
        blank=True,
        help_text=_(
            "Address of an online service run by someone else (the Land, the district, a "
            "federal portal) where residents apply for this service."
        ),
    )
    authority = models.CharField(
        _("responsible authority (if not this municipality)"),
        max_length=200,
        blank=True,
        help_text=_("For example: Landkreis Burgenlandkreis, Fahrerlaubnisbehörde."),
    )
    authority_url = models.URLField(
        _("website of the responsible authority"), max_length=500, blank=True
    )
    active = models.BooleanField(_("offered"), default=True)
    min_trust_level = models.CharField(
        _("minimum trust level to apply online"),
        max_length=12,
        choices=[("", _("none (local account is enough)")), *TrustLevel.choices],
        blank=True,
        default="",
    )
    # Open Forms' "no login needed": where the law asks no proof of identity (a dog tax
    # registration, a simple Melderegisterauskunft), residents may apply without an account and
    # follow the application by a private link. Only without a minimum trust level.
    without_account = models.BooleanField(_("may be applied for without an account"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("local service")
        verbose_name_plural = _("local services")
        ordering = ["service__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service"], name="services_localservice_unique"
            )
        ]

    # Where one applies here with the municipality's own form; set by the selectors.
    start_url: str = ""

    def __str__(self) -> str:
        return str(self.service)

    @property
    def available_online(self) -> bool:
        """Residents can really apply online: a form here or an online service elsewhere."""
        return bool(self.start_url or self.online_url)

    @property
    def open_without_account(self) -> bool:
        return self.without_account and not self.min_trust_level

    @property
    def elsewhere(self) -> bool:
        """Another authority is responsible; the municipality only points there."""
        return bool(self.authority)
