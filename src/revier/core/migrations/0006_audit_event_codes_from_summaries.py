"""Give the audit-log entries written before event codes their code and parameters, where the
English summary says which (ADR 0037). Entries no pattern fits keep their summary as it is and are
shown with it."""

import re

from django.db import migrations

# (object type or "" for any, pattern of the old summary, event code, parameter names in order)
PATTERNS = [
    ("", r"viewed audit log", "backoffice.audit_log_viewed", ()),
    ("", r"viewed case inbox page (\d+)", "cases.inbox_viewed", ("page",)),
    ("", r"viewed case with its answers", "cases.case_viewed", ()),
    ("cases.Case", r"downloaded document (.+)", "cases.document_downloaded", ("filename",)),
    ("cases.Case", r"status (\S+) -> (\S+) \(bulk\)", "cases.status_changed_bulk", ("from", "to")),
    ("cases.Case", r"status (\S+) -> (\S+)", "cases.status_changed", ("from", "to")),
    ("cases.Case", r"assigned to nobody", "cases.unassigned", ()),
    ("cases.Case", r"assigned to (.+)", "cases.assigned", ("person",)),
    ("cases.Case", r"case outside the person's offices", "cases.access_refused", ()),
    (
        "cases.Case",
        r"message to the applicant \(information requested\)",
        "cases.information_requested",
        (),
    ),
    ("cases.Case", r"message to the applicant", "cases.message_sent", ()),
    ("cases.Case", r"bulk change refused for cases \[(.*)\]", "cases.bulk_refused", ("ids",)),
    ("news.NewsItem", r"news item created \(\w+\)", "news.created", ()),
    ("news.NewsItem", r"news item changed", "news.changed", ()),
    ("news.NewsItem", r"news item published as scheduled", "news.published_as_scheduled", ()),
    ("news.NewsItem", r"news item published", "news.published", ()),
    ("news.NewsItem", r"news item scheduled for .+", "news.scheduled", ()),
    ("news.NewsItem", r"news item unpublished", "news.unpublished", ()),
    ("news.NewsItem", r"news item deleted", "news.deleted", ()),
    ("", r"viewed staff list page (\d+)", "accounts.staff_list_viewed", ("page",)),
    ("", r"viewed staff member( \(removal\))?", "accounts.staff_viewed", ()),
    ("", r"granted role (\w+)", "accounts.role_granted", ("role",)),
    ("", r"revoked role (\w+)", "accounts.role_revoked", ("role",)),
    ("", r"invited as staff", "accounts.staff_invited", ()),
    ("", r"published form version", "forms.version_published", ()),
    (
        "",
        r"imported XDatenfelder (\S+) (\S+) (\S+)",
        "forms.xdf_imported",
        ("xdf", "id", "version"),
    ),
]
COMPILED = [(t, re.compile(p + r"\Z"), code, names) for t, p, code, names in PATTERNS]


def code_for(object_type: str, summary: str):
    for wanted_type, pattern, code, names in COMPILED:
        if wanted_type and wanted_type != object_type:
            continue
        match = pattern.match(summary)
        if match:
            groups = [g for g in match.groups() if g is not None and not g.startswith(" (")]
            return code, dict(zip(names, groups, strict=False))
    return None


def forwards(apps, schema_editor):
    Entry = apps.get_model("core", "AuditLogEntry")
    batch = []
    rows = Entry.objects.filter(event="").exclude(summary="").only("id", "object_type", "summary")
    for entry in rows.iterator(chunk_size=2000):
        found = code_for(entry.object_type, entry.summary)
        if found is None:
            continue
        entry.event, entry.params = found
        batch.append(entry)
        if len(batch) >= 2000:
            Entry.objects.bulk_update(batch, ["event", "params"])
            batch = []
    if batch:
        Entry.objects.bulk_update(batch, ["event", "params"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_event_codes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
