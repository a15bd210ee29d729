from django.db.models import Prefetch, QuerySet
from django.utils import translation

from revier.core import kit
from revier.services import english, search
from revier.services.models import LifeSituation, LocalService, Office, Service


def service_get(*, leika: str) -> Service | None:
    return Service.objects.filter(leika=leika).prefetch_related("life_situations").first()


def _rank(services: list[Service], scores: dict[int, float], query: search.Query) -> list:
    """Exact name match first, then names containing the whole query, then synonyms that match
    exactly, then the database's score; ties by name."""
    text = query.text
    # The query as corrected for typos counts as an exact match too.
    corrected = " ".join(query.terms)

    def key(service: Service):
        name = search.normalise(service.name)
        synonyms = {search.normalise(s) for s in service.synonyms or []}
        if name in (text, corrected):
            tier = 0
        elif text in synonyms or corrected in synonyms:
            tier = 1
        elif name.startswith(text) or any(name.startswith(t) for t in query.terms):
            tier = 2
        elif text in name:
            tier = 3
        else:
            tier = 4
        return (tier, -scores.get(service.pk, 0.0), service.name)

    return sorted(services, key=key)


def service_search(
    q: str = "",
    themenfeld: str | None = None,
    lebenslage: str | None = None,
    municipality=None,
) -> list[Service]:
    """Search and browse the catalogue: one interface for SQLite and PostgreSQL.

    ``q`` is free text (empty: browse, ordered by name); ``themenfeld`` a
    :class:`~revier.services.models.Themenfeld` value; ``lebenslage`` the slug of a
    :class:`~revier.services.models.LifeSituation`. With ``municipality``, only the services it
    offers, each carrying its overlay as ``service.local`` (office included). The number of
    queries does not depend on the size of the catalogue or of the result.
    """
    qs = Service.objects.all()
    if themenfeld:
        qs = qs.filter(themenfeld=themenfeld)
    if lebenslage:
        qs = qs.filter(life_situations__slug=lebenslage)
    if municipality is not None:
        qs = qs.filter(
            local_services__municipality=municipality, local_services__active=True
        ).prefetch_related(
            Prefetch(
                "local_services",
                queryset=LocalService.objects.filter(
                    municipality=municipality, active=True
                ).select_related("office"),
                to_attr="local_overlay",
            )
        )
    qs = qs.prefetch_related("life_situations").defer("search_vector")

    if q and (translation.get_language() or "").startswith("en"):
        q = english.to_german(q)  # the catalogue is German (ADR 0039)
    query = search.parse(q) if q and q.strip() else None
    if query is not None:
        scores = search.candidates(query)
        if not scores:
            return []
        services = _rank(list(qs.filter(pk__in=list(scores)).distinct()), scores, query)
    else:
        services = list(qs.distinct().order_by("name", "leika"))
    if municipality is not None:
        for service in services:
            service.local = service.local_overlay[0] if service.local_overlay else None
        with_ways_to_apply([s.local for s in services if s.local is not None])
    return services


def with_ways_to_apply(locals_: list[LocalService]) -> list[LocalService]:
    """Set ``start_url`` on each offer the municipality takes online applications for, where a
    module really provides a way to apply (``kit.online_application_urls``: one query per
    provider for all of them)."""
    wanted = [local.service.leika for local in locals_ if local.online]
    urls = kit.online_application_urls(wanted) if wanted else {}
    for local in locals_:
        local.start_url = urls.get(local.service.leika, "") if local.online else ""
    return locals_


def life_situations_in_use() -> QuerySet[LifeSituation]:
    return LifeSituation.objects.filter(services__isnull=False).distinct().order_by("name")


def local_service_get(*, leika: str) -> LocalService | None:
    """The active municipality's offer of a service (scoped manager: needs a scope)."""
    local = (
        LocalService.objects.filter(service__leika=leika, active=True)
        .select_related("service", "office")
        .first()
    )
    if local is not None:
        with_ways_to_apply([local])
    return local


def local_services_all() -> QuerySet[LocalService]:
    return LocalService.objects.select_related("service", "office").order_by("service__name")


def offices_all() -> QuerySet[Office]:
    return Office.objects.order_by("name", "id")


# Services people need most often at a town hall, in this order (the Bürgerbüro's everyday
# business); the home page shows those the municipality offers. A maintained list rather than
# counts of applications: most of them are still done at the counter.
COMMON_SERVICES = (
    "99115005104000",  # Wohnsitz Anmeldung
    "99008001012000",  # Personalausweis beantragen
    "99085001012000",  # Reisepass beantragen
    "99115003012000",  # Meldebescheinigung
    "99102013104000",  # Hundesteuer Anmeldung
    "99050012104000",  # Gewerbeanzeige Anmeldung
    "99049001001000",  # Führungszeugnis beantragen
    "99027002012000",  # Geburtsurkunde beantragen
)


def home_block(request) -> dict:
    """The services block of the municipality's home page: search, common services (with their
    way to apply), Lebenslagen. A fixed number of queries whatever the catalogue's size."""
    municipality = request.municipality
    common = {
        local.service.leika: local
        for local in LocalService.objects.filter(
            service__leika__in=COMMON_SERVICES, active=True
        ).select_related("service")
    }
    ordered = [common[key] for key in COMMON_SERVICES if key in common]
    with_ways_to_apply(ordered)
    situations = list(
        LifeSituation.objects.filter(
            kind=LifeSituation.Kind.LEBENSLAGE,
            services__local_services__municipality=municipality,
            services__local_services__active=True,
        )
        .distinct()
        .order_by("name")[:12]
    )
    return {"common": ordered, "life_situations": situations}
