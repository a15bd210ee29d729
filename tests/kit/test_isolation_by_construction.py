"""Tenant isolation, tested by construction rather than page by page.

The walk takes every URL pattern of the municipality urlconf whose route begins with
``backoffice/`` (whatever app it comes from) and every operation of the committed OpenAPI file,
fills the path parameters with real values of municipality A's objects and requests each as

* staff of municipality B (administrator, TOTP set up), and
* a resident unrelated to A,

with GET and POST. Every answer must be a refusal (a redirect to the login, 401, 403, 404 or
405) and must not carry any of A's sentinel strings. The parameter values are not written per
page: they are read from A's objects of every tenant-owned model (their primary keys and the
attributes named like the parameter), so a new module's pages and API operations are walked
without a line here. The only hand-written part is the allow-list below, each entry with its
reason; the self-tests at the end prove that the checker fails on an unprotected page and that
the walk finds a page added in an included urlconf.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django_scopes import scope, scopes_disabled

from revier.core.models import TenantOwnedModel
from tests.conftest import make_staff, make_user

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
OPENAPI = REPO / "docs" / "openapi.yaml"

# Back-office patterns that may answer other people: none today. An entry needs its reason.
PUBLIC_BACKOFFICE: dict[str, str] = {}

# API operations (by operationId) that legitimately answer B's staff or a resident with
# something other than a refusal. Their answers are still checked for A's sentinels.
PUBLIC_OPERATIONS: dict[str, str] = {
    "altcha_challenge": "a fresh proof-of-work challenge; holds no one's data",
    "municipalities_list": "the public list of municipalities",
    "municipalities_retrieve": "a municipality's public profile",
    "services_search": "the public service catalogue",
    "municipality_services_list": "the services a municipality offers publicly",
    "news_list": "published news are public",
    "news_retrieve": "published news are public",
    "forms_retrieve": "published forms are public, for anyone to fill in",
    "applications_create": "anyone may apply to any municipality; the empty body is refused (400)",
    "me_applications_list": "the caller's own applications, across municipalities",
    "me_messages_list": "the caller's own messages, across municipalities",
    "bookables_list": "what can be booked is public",
    "bookables_availability_list": "free times are public",
    "bookings_create": "anyone with an account may book in any municipality; the empty body is "
    "refused (400)",
    "me_bookings_list": "the caller's own bookings, across municipalities",
}

# Walking fewer than this many would mean the walk lost its way (a moved include, a renamed
# prefix), not that the back office shrank.
MIN_BACKOFFICE_PATTERNS = 60
MIN_OPERATIONS = 15

# At most this many parameter combinations per pattern (a pattern with two ids).
MAX_COMBINATIONS = 40

REFUSED = {401, 403, 404, 405}
LOGIN_PATHS = ("/accounts/login/", "/accounts/2fa/")


# --- The walk --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    route: str  # as written in the urlconfs, e.g. "backoffice/vorgaenge/<int:pk>/"
    name: str  # "namespace:name", to reverse it
    parameters: tuple[tuple[str, str], ...]  # (name, "int" or "str")


def _parameters(pattern) -> list[tuple[str, str]]:
    converters = getattr(pattern.pattern, "converters", {})
    found = []
    for name, converter in converters.items():
        found.append((name, "int" if type(converter).__name__ == "IntConverter" else "str"))
    regex = pattern.pattern.regex
    for name in regex.groupindex:
        if name not in converters:
            found.append((name, "str"))
    return found


def walk(urlpatterns, prefix: str = "", namespace: str = "", inherited=()) -> list[Page]:
    """Every URL pattern below ``urlpatterns``, with its full route, name and parameters."""
    pages = []
    for entry in urlpatterns:
        route = prefix + str(entry.pattern)
        params = [*inherited, *_parameters(entry)]
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            pages += walk(entry.url_patterns, route, ns, params)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            pages.append(Page(route, name, tuple(params)))
    return pages


def backoffice_pages(urlconf: str) -> list[Page]:
    return [
        p for p in walk(get_resolver(urlconf).url_patterns) if p.route.startswith("backoffice/")
    ]


def refusal_problem(response, sentinels: set[str]) -> str | None:
    """Why ``response`` is not a clean refusal, or None if it is one."""
    problems = []
    if response.status_code in {301, 302, 303, 307, 308}:
        location = response.get("Location", "")
        if not any(path in location for path in LOGIN_PATHS):
            problems.append(f"redirects to {location!r} instead of refusing")
    elif response.status_code not in REFUSED:
        problems.append(f"answers {response.status_code} instead of refusing")
    problems.append(leaked(response, sentinels))
    return "; ".join(p for p in problems if p) or None


def leaked(response, sentinels: set[str]) -> str | None:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace")
    found = sorted(s for s in sentinels if s in text)
    return f"carries A's data {found}" if found else None


# --- Values of A's objects -----------------------------------------------------------------------


@dataclass
class Values:
    ints: set[int] = field(default_factory=set)
    by_name: dict[str, set] = field(default_factory=dict)

    def add(self, name: str, value) -> None:
        if value is None or value == "":
            return
        self.by_name.setdefault(name, set()).add(value)

    def candidates(self, name: str, kind: str) -> list:
        """Values for a parameter ``name``: the values of A's attributes of that name (an
        ``office_id`` names offices); an integer nothing names (``pk``) may be any of A's
        primary keys."""
        named = self.by_name.get(name, set())
        if kind == "int":
            named = {v for v in named if isinstance(v, int)}
            return sorted(named or self.ints)
        return sorted(str(v) for v in named)


def values_of(municipality) -> Values:
    """Primary keys and attribute values of the first and last object of every tenant-owned
    model in ``municipality``: what a path parameter of any module can name."""
    values = Values()
    tenant_models = [
        m
        for m in apps.get_models()
        if issubclass(m, TenantOwnedModel) and not m._meta.abstract and not m._meta.proxy
    ]
    with scope(municipality=municipality):
        for model in tenant_models:
            queryset = model.objects.filter(municipality=municipality).order_by("pk")
            for obj in {o.pk: o for o in (queryset.first(), queryset.last()) if o}.values():
                values.ints.add(obj.pk)
                for f in obj._meta.concrete_fields:
                    value = getattr(obj, f.attname)
                    if isinstance(value, (int, str)) and not isinstance(value, bool):
                        values.add(f.attname, value)
                        values.add(f.name, value)
    with scopes_disabled():
        for domain in municipality.domains.all():
            values.ints.add(domain.pk)
    values.add("municipality", municipality.slug)
    values.add("slug", municipality.slug)
    return values


def fill(page_params, values: Values) -> list[dict]:
    """Parameter combinations for a page; [] when a parameter has no value of A's."""
    options = []
    for name, kind in page_params:
        candidates = values.candidates(name, kind)
        if not candidates:
            return []
        options.append(candidates)
    return [
        dict(zip([n for n, _ in page_params], combo, strict=True))
        for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS)
    ]


# --- The municipality with data, the outsiders ---------------------------------------------------


SENTINEL_NAME = "Sentinelmann"
SENTINEL_STAFF = "sentinel.clerk@zeitz.example"
SENTINEL_FEEDBACK = "Sentinel 7f3a: the bus timetable PDF cannot be read aloud."


@pytest.fixture
def world(settings):
    """Zeitz (A) with the demo's data of every module and a few sentinel strings; Naumburg (B)
    with a TOTP-enabled administrator; a resident with no tie to Zeitz."""
    from revier.core.demo import load_demo
    from revier.portal.services import accessibility_feedback_submit
    from revier.tenancy.models import Municipality
    from revier.tenancy.services import domain_add
    from tests.cases.conftest import make_case

    settings.LANGUAGE_CODE = "en"
    load_demo()
    with scopes_disabled():
        zeitz = Municipality.objects.get(slug="zeitz")
        naumburg = Municipality.objects.get(slug="naumburg")
    make_staff(zeitz, "case_worker", SENTINEL_STAFF)
    with scope(municipality=zeitz):
        accessibility_feedback_submit(municipality=zeitz, message=SENTINEL_FEEDBACK)
        make_case(zeitz, 990001, data={"G1": {"F60000227": SENTINEL_NAME, "F60000228": "Ida"}})
    domain_add(municipality=zeitz, domain="service.zeitz.de")

    outsider_staff = make_staff(naumburg, "administrator", "outsider@naumburg.example")
    resident = make_user("unrelated.resident@example.org")
    return {
        "a": zeitz,
        "b_staff": outsider_staff,
        "resident": resident,
        "values": values_of(zeitz),
        "sentinels": {SENTINEL_NAME, SENTINEL_STAFF, SENTINEL_FEEDBACK},
    }


def _as(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


# --- Back office ---------------------------------------------------------------------------------


def check_backoffice(world, pages: list[Page]) -> tuple[list[str], int]:
    """Request every page as B's staff and as the resident; returns (problems, requests)."""
    a = world["a"]
    problems, requests = [], 0
    visitors = {"staff of B": _as(world["b_staff"]), "resident": _as(world["resident"])}
    for page in pages:
        if page.route in PUBLIC_BACKOFFICE:
            continue
        combinations = fill(page.parameters, world["values"]) if page.parameters else [{}]
        urls = []
        for kwargs in combinations:
            try:
                path = reverse(page.name, urlconf=settings.MUNICIPALITY_URLCONF, kwargs=kwargs)
            except NoReverseMatch:
                continue  # a value that does not fit this converter or regex
            urls.append(f"/{a.slug}{path}")
        if not urls:
            problems.append(f"{page.route}: no value of A's objects fills {page.parameters}")
            continue
        # GET with every value of A's; POST with the first: the refusal does not depend on
        # the values, and a view that answers a POST at all is caught by that one.
        requests_to_make = [("get", url) for url in urls] + [("post", urls[0])]
        for (method, url), (who, client) in itertools.product(requests_to_make, visitors.items()):
            response = getattr(client, method)(url)
            requests += 1
            problem = refusal_problem(response, world["sentinels"])
            if problem:
                problems.append(f"{method.upper()} {url} as {who}: {problem}")
    return problems, requests


def assert_real_ids_of_a(world):
    """Parameters are filled with A's objects, not placeholders: a case, a staff member and
    the sentinel feedback of Zeitz are among the values."""
    from revier.accounts.models import StaffRole
    from revier.cases.models import Case
    from revier.portal.models import AccessibilityFeedback

    a, values = world["a"], world["values"]
    with scope(municipality=a):
        case = Case.objects.order_by("pk").first()
        feedback = AccessibilityFeedback.objects.get(message=SENTINEL_FEEDBACK)
        staff_ids = set(StaffRole.objects.values_list("user_id", flat=True))
    assert {case.pk, feedback.pk} <= set(values.candidates("pk", "int"))
    assert set(values.candidates("user_id", "int")) & staff_ids
    assert case.reference in values.candidates("reference", "str")
    assert case.leika in values.candidates("leika", "str")


def test_every_backoffice_page_refuses_outsiders(world):
    assert_real_ids_of_a(world)
    pages = backoffice_pages(settings.MUNICIPALITY_URLCONF)
    assert len(pages) >= MIN_BACKOFFICE_PATTERNS, [p.route for p in pages]
    assert all(p.name for p in pages), [p.route for p in pages if not p.name]
    assert set(PUBLIC_BACKOFFICE) <= {p.route for p in pages}, "stale allow-list entry"

    problems, requests = check_backoffice(world, pages)

    assert problems == []
    assert requests >= 4 * len(pages)


# --- API -----------------------------------------------------------------------------------------


def operations() -> list[tuple[str, str, str, list[str]]]:
    """(method, path template, operationId, path parameters) of every operation in the
    committed OpenAPI file."""
    spec = yaml.safe_load(OPENAPI.read_text())
    found = []
    for path, item in spec["paths"].items():
        shared = [p["name"] for p in item.get("parameters", []) if p.get("in") == "path"]
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            own = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "path"]
            found.append((method, path, operation["operationId"], shared + own))
    return found


def test_every_api_operation_refuses_outsiders(world):
    from revier.core.services import api_token_issue

    ops = operations()
    assert len(ops) >= MIN_OPERATIONS
    assert set(PUBLIC_OPERATIONS) <= {op[2] for op in ops}, "stale allow-list entry"
    values: Values = world["values"]
    callers = {
        "staff of B": {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=world['b_staff'])}"},
        "resident": {"HTTP_AUTHORIZATION": f"Token {api_token_issue(user=world['resident'])}"},
    }
    client = Client(headers={"Accept-Language": "en"})
    problems, requests = [], 0
    for method, template, operation_id, params in ops:
        combinations = fill([(p, "int" if p == "id" else "str") for p in params], values)
        if params and not combinations:
            problems.append(f"{operation_id}: no value of A's objects fills {params}")
            continue
        for kwargs in combinations or [{}]:
            path = template.format(**kwargs)
            for who, headers in callers.items():
                kw = {"content_type": "application/json", "data": json.dumps({})}
                args = kw if method != "get" else {}
                response = getattr(client, method)(path, **args, **headers)
                requests += 1
                if operation_id in PUBLIC_OPERATIONS:
                    problem = leaked(response, world["sentinels"])
                else:
                    problem = refusal_problem(response, world["sentinels"])
                if problem:
                    problems.append(f"{method.upper()} {path} ({operation_id}) as {who}: {problem}")

    assert problems == []
    assert requests >= 2 * len(ops)


# --- The walk and the checker catch what they are for ---------------------------------------------


def test_checker_flags_an_unprotected_page_and_the_walk_finds_it(world):
    """A view added without the back-office decorator, in an included urlconf of its own:
    the walk reaches it and the checker reports both the answer and the leak."""
    leaky = "tests.kit.leaky_urls"
    with override_settings(MUNICIPALITY_URLCONF=leaky):
        pages = backoffice_pages(leaky)
        new = [p for p in pages if p.route.startswith("backoffice/neues-modul/")]
        assert [p.route for p in new] == ["backoffice/neues-modul/<int:pk>/"]
        assert len(pages) > MIN_BACKOFFICE_PATTERNS  # the real back office is walked as well

        problems, _requests = check_backoffice(world, new)

    assert problems, "the unprotected page went unnoticed"
    assert all("answers 200 instead of refusing" in p for p in problems), problems
    for who in ("staff of B", "resident"):
        assert any(p.startswith("GET ") and f" as {who}:" in p for p in problems)
        assert any(p.startswith("POST ") and f" as {who}:" in p for p in problems)
    # The page shows the feedback the id names: the walk used the real id of A's feedback.
    assert any(f"carries A's data ['{SENTINEL_FEEDBACK}']" in p for p in problems), problems


def test_checker_flags_a_refusal_that_leaks():
    from django.http import HttpResponseForbidden, HttpResponseRedirect

    leaking = HttpResponseForbidden(f"Not for you, {SENTINEL_NAME}")
    assert refusal_problem(leaking, {SENTINEL_NAME}) == f"carries A's data ['{SENTINEL_NAME}']"
    elsewhere = HttpResponseRedirect("/zeitz/backoffice/")
    assert "redirects to '/zeitz/backoffice/'" in refusal_problem(elsewhere, set())
    to_login = HttpResponseRedirect("/zeitz/accounts/login/?next=/zeitz/backoffice/")
    assert refusal_problem(to_login, {SENTINEL_NAME}) is None
