"""Every Revier task is routed, in one place, to one of the queues the workers consume."""

from django.conf import settings

from revier.config.celery import app


def test_every_task_is_routed_to_a_known_queue():
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    tasks = {name for name in app.tasks if name.startswith("revier.")}
    assert len(tasks) >= 8
    from revier.core import kit

    routes = kit.task_routes()
    assert sorted(tasks - set(routes)) == []  # a new task needs its queue here
    assert {r["queue"] for r in routes.values()} <= set(settings.CELERY_TASK_QUEUES_NAMES)
    # The queue is set by the routes only, not also on the task (two places would disagree).
    assert [name for name in tasks if getattr(app.tasks[name], "queue", None)] == []
