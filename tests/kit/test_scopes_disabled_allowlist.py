"""``scopes_disabled()`` switches off the fail-closed tenancy (django-scopes), so every place in
``src/revier`` that uses it is listed here with its reason. A new call site fails this test until
it is added below, in review: it must be narrow, and every query inside it must be filtered
explicitly (by the person, or by ids the caller already holds). Tests may use it freely.
"""

import ast
from pathlib import Path

import revier

SRC = Path(revier.__file__).parent
NAME = "scopes_disabled"

PERSON = "personal-data provider: the person's own rows in every municipality, filtered by them"
ME = "'me' view of the citizen account: the person's own rows across municipalities"

# (module, function's qualified name) -> why it may cross tenants
PLUGIN_CHECK = (
    "operator command `revier check-plugins`: the saved plugin configurations of every "
    "municipality, each row with its municipality, bounded by --limit"
)
ALLOWED: dict[tuple[str, str], str] = {
    ("revier.delivery.plugin_configs", "delivery_routes"): PLUGIN_CHECK,
    ("revier.notifications.plugin_configs", "sms_gateways"): PLUGIN_CHECK,
    ("revier.payments.plugin_configs", "fees"): PLUGIN_CHECK,
    ("revier.delivery.metrics", "collect"): (
        "operator metrics (/metrics): counts and the oldest age over all municipalities in two "
        "aggregate queries; no row leaves the function"
    ),
    ("revier.core.admin_site", "OperatorAdminSite.admin_view.wrapped"): (
        "operator admin: platform operators (staff, TOTP) see all municipalities"
    ),
    ("revier.cases.selectors_account", "me_applications"): ME,
    ("revier.cases.selectors_account", "me_status_labels"): (
        ME + " (workflows of the municipalities of the person's applications)"
    ),
    ("revier.cases.selectors_account", "me_messages"): ME,
    ("revier.accounts.personal_data", "export"): PERSON + " (staff roles)",
    ("revier.accounts.personal_data", "erase_blockers"): PERSON + " (staff roles block deletion)",
    ("revier.applications.personal_data", "export"): PERSON,
    ("revier.applications.personal_data", "municipalities"): PERSON + " (audit of export/erasure)",
    ("revier.applications.personal_data", "erase"): PERSON,
    ("revier.cases.personal_data", "export"): PERSON,
    ("revier.cases.personal_data", "municipalities"): PERSON + " (audit of export/erasure)",
    ("revier.cases.personal_data", "erase"): PERSON,
    ("revier.notifications.personal_data", "export"): PERSON,
    ("revier.notifications.personal_data", "municipalities"): PERSON + " (audit of export/erasure)",
    ("revier.notifications.personal_data", "erase"): PERSON,
    ("revier.news.personal_data", "export"): PERSON + " (news the staff member wrote)",
    ("revier.news.personal_data", "municipalities"): PERSON + " (audit of export/erasure)",
    ("revier.news.personal_data", "erase"): PERSON + " (author set to empty)",
    ("revier.booking.selectors", "me_bookings"): ME + " (bookings, at most 200)",
    ("revier.booking.selectors", "me_contingents"): ME + " (contingents of their organisations)",
    ("revier.booking.personal_data", "export"): PERSON + " (bookings by account or e-mail)",
    ("revier.booking.personal_data", "municipalities"): PERSON + " (audit of export/erasure)",
    ("revier.booking.personal_data", "erase"): PERSON + " (cancel upcoming, anonymise)",
}


class _Finder(ast.NodeVisitor):
    """Where ``scopes_disabled`` is used: (qualified name of the enclosing function, line)."""

    def __init__(self):
        self.stack: list[str] = []
        self.sites: list[tuple[str, int]] = []
        self.aliases: list[int] = []

    def _scope(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scope

    def visit_Name(self, node):
        if node.id == NAME:
            self.sites.append((".".join(self.stack) or "<module>", node.lineno))

    def visit_Attribute(self, node):
        if node.attr == NAME:
            self.sites.append((".".join(self.stack) or "<module>", node.lineno))
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        # Renamed on import it would escape this scan.
        if any(a.name == NAME and a.asname for a in node.names):
            self.aliases.append(node.lineno)


def _scan() -> tuple[dict[tuple[str, str], list[str]], list[str]]:
    sites: dict[tuple[str, str], list[str]] = {}
    aliases: list[str] = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if NAME not in source:
            continue
        relative = path.relative_to(SRC.parent)
        module = ".".join(relative.with_suffix("").parts)
        finder = _Finder()
        finder.visit(ast.parse(source, filename=str(path)))
        for qualname, line in finder.sites:
            sites.setdefault((module, qualname), []).append(f"{relative}:{line}")
        aliases += [f"{relative}:{line}" for line in finder.aliases]
    return sites, aliases


def test_every_scopes_disabled_call_site_is_allowed():
    sites, aliases = _scan()
    assert not aliases, f"scopes_disabled imported under another name: {aliases}"
    unlisted = {site: where for site, where in sites.items() if site not in ALLOWED}
    assert not unlisted, (
        f"scopes_disabled() outside the allow-list: {unlisted}. Keep tenancy on (scope the "
        "municipality), or add the function to ALLOWED in this file with its reason."
    )


def test_the_allow_list_names_only_existing_call_sites():
    sites, _aliases = _scan()
    stale = sorted(set(ALLOWED) - set(sites))
    assert not stale, f"allowed but no longer using scopes_disabled (remove them): {stale}"


def test_every_allowed_site_has_a_reason():
    assert all(reason.strip() for reason in ALLOWED.values())


def test_the_scan_finds_a_call_site_in_a_nested_function_and_a_renamed_import():
    finder = _Finder()
    finder.visit(
        ast.parse(
            "from django_scopes import scopes_disabled as off\n"
            "import django_scopes\n"
            "class A:\n"
            "    def b(self):\n"
            "        def c():\n"
            "            with django_scopes.scopes_disabled():\n"
            "                pass\n"
        )
    )
    assert finder.sites == [("A.b.c", 6)]
    assert finder.aliases == [1]
