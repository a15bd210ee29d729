"""Every tenant table can be distributed by municipality (Citus) without a rewrite.

Citus distributes a table by one column (here ``municipality_id``) and needs it in every unique
constraint and in every foreign key between distributed tables; tables without it must be small
reference tables, copied to every node. The test walks the models:

- a tenant table is one with a non-null ``municipality`` foreign key;
- every unique constraint of a tenant table includes ``municipality`` (unique fields, unique
  constraints, unique_together; the primary key ``id`` is the one exception: distributing a table
  makes it ``(municipality_id, id)``, which keeps ids unique as they come from one sequence);
- every table that points at a tenant table is a tenant table itself, so every foreign-key path
  between tenant tables runs inside one municipality and can carry ``municipality_id``;
- a tenant table points outside the tenants only at declared reference tables.

Exceptions are listed below, each with its reason.
"""

from django.apps import apps

from revier.tenancy.models import Municipality

# Not distributed: replicated to every node (small, read everywhere, or global by nature).
REFERENCE_TABLES = {
    "accounts.User": "people are global: one account is used in many municipalities",
    "accounts.Organisation": "companies are global: one company deals with many municipalities",
    "services.Service": "the federal service catalogue (LeiKa), the same for every municipality",
    "tenancy.Domain": "looked up by host name before the municipality is known (routing)",
}

# Unique constraints without the municipality, and why they stay.
UNIQUE_EXCEPTIONS = {
    # One-to-one links between two rows of the same municipality: Django's OneToOneField always
    # makes its column unique on its own. On Citus the migration to distribution replaces each of
    # these indexes by (municipality_id, column); the linked ids are globally unique serials, so
    # the rule stays the same. Converting them to ForeignKey + UniqueConstraint would change every
    # reverse accessor (case.decision, local_service.fee, …) in several apps.
    ("applications.RetentionPolicy", "form"): "one-to-one within a municipality",
    ("cases.Case", "received_package"): "one-to-one within a municipality",
    ("cases.Decision", "document"): "one-to-one within a municipality",
    ("delivery.ReceivedPackage", "delivery"): "one-to-one within a municipality",
    ("payments.Fee", "local_service"): "one-to-one within a municipality",
    # A reference table (above): host names are unique across the installation.
    ("tenancy.Domain", "domain"): "reference table",
}

# Tables whose municipality may be empty: platform-wide rows next to a municipality's own.
PLATFORM_OR_TENANT = {
    "core.ImportRun": "imports of the federal catalogue belong to the platform (municipality NULL)",
    "core.SearchDocument": "the federal catalogue's search entries belong to no municipality",
    "core.OutboxMessage": (
        "platform work (the catalogue's import, mail of platform pages) has no municipality"
    ),
}


def _revier_models():
    return [m for m in apps.get_models() if m.__module__.startswith("revier.")]


def _municipality_field(model):
    try:
        field = model._meta.get_field("municipality")
    except Exception:
        return None
    return field if field.is_relation and field.related_model is Municipality else None


def _tenant_models() -> set:
    return {m for m in _revier_models() if (f := _municipality_field(m)) and not f.null}


def _unique_field_sets(model):
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield field.name, (field.name,)
    for fields in model._meta.unique_together:
        yield ",".join(fields), tuple(fields)
    for constraint in model._meta.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint":
            fields = tuple(constraint.fields) or tuple(str(e) for e in constraint.expressions)
            yield constraint.name, fields


def test_every_unique_constraint_of_a_tenant_table_includes_the_municipality():
    missing = []
    for model in sorted(_tenant_models(), key=lambda m: m._meta.label):
        for name, fields in _unique_field_sets(model):
            if "municipality" in fields:
                continue
            if (model._meta.label, name) in UNIQUE_EXCEPTIONS:
                continue
            missing.append(f"{model._meta.label}: {name} {fields}")
    assert not missing, "Unique without the municipality (Citus needs it):\n" + "\n".join(missing)


def test_every_foreign_key_path_between_tenant_tables_stays_inside_a_municipality():
    tenants = _tenant_models()
    problems = []
    for model in _revier_models():
        if model is Municipality:
            continue
        label = model._meta.label
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            if target in tenants and model not in tenants:
                problems.append(f"{label}.{field.name} -> {target._meta.label}: not a tenant table")
            if (
                model in tenants
                and target not in tenants
                and target is not Municipality
                and target._meta.label not in REFERENCE_TABLES
            ):
                problems.append(
                    f"{label}.{field.name} -> {target._meta.label}: neither a tenant table "
                    "nor a declared reference table"
                )
    assert not problems, "Foreign keys Citus cannot co-locate:\n" + "\n".join(problems)


def test_the_municipality_is_never_empty_except_on_declared_platform_rows():
    nullable = sorted(
        m._meta.label for m in _revier_models() if (f := _municipality_field(m)) and f.null
    )
    assert nullable == sorted(PLATFORM_OR_TENANT)


def test_exceptions_are_still_needed():
    """An exception that no longer applies is removed, so the list stays honest."""
    labels = {m._meta.label for m in _revier_models()}
    assert set(REFERENCE_TABLES) <= labels
    unique = {(m._meta.label, name) for m in _tenant_models() for name, _ in _unique_field_sets(m)}
    assert set(UNIQUE_EXCEPTIONS) <= unique
