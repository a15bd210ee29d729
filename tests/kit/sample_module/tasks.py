from celery import shared_task


@shared_task(name="tests.kit.sample_module.tasks.sweep")
def sweep() -> str:
    return "swept"
