"""Municipality tasks: the body runs in its municipality's scope, by one policy on deactivated
municipalities, and a sweep reaches every municipality even when one fails."""

import logging
from unittest import mock

import pytest
from django_scopes import scopes_disabled

from revier.core import tasks as core_tasks
from revier.core.models import AuditLogEntry
from revier.core.tasks import for_each_municipality, municipality_task
from revier.tenancy.services import municipality_create
from tests.conftest import make_municipality


@municipality_task(name="tests.core.audit_objects")
def audit_objects(*, municipality, prefix: str = "") -> list[str]:
    # The scoped manager refuses to answer outside a scope: reaching it proves the scope.
    return sorted(prefix + e.object_repr for e in AuditLogEntry.objects.all())


@municipality_task(name="tests.core.slug_including_inactive", include_inactive=True)
def slug_including_inactive(*, municipality) -> str:
    return municipality.slug


@municipality_task(name="tests.core.bound", bind=True)
def bound(self, *, municipality) -> tuple[str, bool]:
    return municipality.slug, self.request.is_eager


def audit(municipality, text):
    with scopes_disabled():
        AuditLogEntry.objects.create(
            municipality=municipality, action="view", object_type="x", object_repr=text
        )


@pytest.fixture
def two_towns(zeitz, naumburg):
    audit(zeitz, "zeitz-1")
    audit(zeitz, "zeitz-2")
    audit(naumburg, "naumburg-1")
    return zeitz, naumburg


@pytest.mark.django_db
def test_a_municipality_task_sees_only_its_municipality(two_towns):
    zeitz, naumburg = two_towns
    assert audit_objects(municipality_id=zeitz.pk) == ["zeitz-1", "zeitz-2"]
    assert audit_objects.delay(municipality_id=naumburg.pk, prefix="n:").get() == ["n:naumburg-1"]


@pytest.mark.django_db
def test_the_task_takes_municipality_id_not_the_instance(zeitz):
    with pytest.raises(TypeError):
        audit_objects.delay(municipality=zeitz)
    with pytest.raises(TypeError):
        audit_objects.delay(municipality_id=zeitz.pk, unknown=1)


@pytest.mark.django_db
def test_a_bound_task_gets_itself_first(zeitz):
    assert bound.delay(municipality_id=zeitz.pk).get() == ("zeitz", True)


@pytest.mark.django_db
def test_deactivated_and_missing_municipalities_are_skipped(zeitz, naumburg, caplog):
    naumburg.is_active = False
    naumburg.save()
    with caplog.at_level(logging.INFO, logger="revier.core.tasks"):
        assert audit_objects(municipality_id=naumburg.pk) is None
        assert audit_objects(municipality_id=999_999) is None
    assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 2
    # A task with a duty that outlives deactivation (retention) declares it.
    assert slug_including_inactive(municipality_id=naumburg.pk) == "naumburg"
    assert slug_including_inactive(municipality_id=999_999) is None


@pytest.mark.django_db
def test_for_each_runs_inline_for_every_active_municipality(two_towns):
    zeitz, naumburg = two_towns
    elsteraue = make_municipality("elsteraue", is_active=False)
    sweep = for_each_municipality(audit_objects, prefix="-")
    assert sweep.results == {zeitz.pk: ["-zeitz-1", "-zeitz-2"], naumburg.pk: ["-naumburg-1"]}
    assert (sweep.enqueued, sweep.failed) == (0, [])
    assert sweep.results_by("slug") == {
        "zeitz": ["-zeitz-1", "-zeitz-2"],
        "naumburg": ["-naumburg-1"],
    }
    # The task's own declaration includes the inactive ones.
    everyone = for_each_municipality(slug_including_inactive).results_by("slug")
    assert everyone == {"zeitz": "zeitz", "naumburg": "naumburg", "elsteraue": "elsteraue"}
    assert elsteraue.pk in for_each_municipality(audit_objects, include_inactive=True).results


@pytest.mark.django_db
def test_one_failure_does_not_stop_the_others(zeitz, naumburg, caplog):
    elsteraue = make_municipality("elsteraue")

    def body(*, municipality):
        if municipality.slug == "naumburg":
            raise RuntimeError("broken")
        return municipality.slug

    with caplog.at_level(logging.ERROR, logger="revier.core.tasks"):
        sweep = for_each_municipality(body)
    assert sweep.results == {zeitz.pk: "zeitz", elsteraue.pk: "elsteraue"}
    assert sweep.failed == [naumburg.pk]
    failure = next(r for r in caplog.records if r.exc_info)
    assert f"failed for municipality {naumburg.pk}" in failure.getMessage()
    assert "RuntimeError: broken" in caplog.text


@pytest.mark.django_db
def test_one_failing_task_does_not_stop_the_others(two_towns):
    zeitz, naumburg = two_towns
    real = core_tasks.municipality_get

    def failing_for_zeitz(municipality_id, **kwargs):
        if municipality_id == zeitz.pk:
            raise RuntimeError("database hiccup")
        return real(municipality_id, **kwargs)

    with mock.patch.object(core_tasks, "municipality_get", failing_for_zeitz):
        sweep = for_each_municipality(audit_objects)
    assert sweep.failed == [zeitz.pk]
    assert sweep.results == {naumburg.pk: ["naumburg-1"]}


@pytest.mark.django_db
def test_with_a_broker_each_active_municipality_is_enqueued_in_batches(
    zeitz, naumburg, monkeypatch
):
    elsteraue = make_municipality("elsteraue")
    beuna = municipality_create(
        slug="beuna", name="Beuna", ags="15084001", ars="150840001001", email="b@beuna.example"
    )
    naumburg.is_active = False
    naumburg.save()
    monkeypatch.setattr(core_tasks, "BATCH_SIZE", 2)  # three active: two batches
    monkeypatch.setattr(core_tasks, "_runs_eagerly", lambda task: False)
    with mock.patch.object(audit_objects, "delay") as delay:
        sweep = for_each_municipality(audit_objects, prefix="x")
    active = sorted(m.pk for m in (zeitz, elsteraue, beuna))
    assert [c.kwargs for c in delay.call_args_list] == [
        {"municipality_id": pk, "prefix": "x"} for pk in active
    ]
    assert (sweep.enqueued, sweep.results, sweep.failed) == (3, {}, [])


@pytest.mark.django_db
def test_a_plain_callable_always_runs_inline_in_scope(two_towns, monkeypatch):
    zeitz, naumburg = two_towns
    monkeypatch.setattr(core_tasks, "_runs_eagerly", lambda task: False)

    def count(*, municipality):
        return AuditLogEntry.objects.count()

    assert for_each_municipality(count).results == {zeitz.pk: 2, naumburg.pk: 1}
