"""``revier demo``: every module's demo step, in order, in one transaction (idempotent)."""

from django.db import transaction

from revier.core import kit


@transaction.atomic
def load_demo() -> dict:
    """Run the demo steps the modules declare; returns what they report (counts, password)."""
    summary: dict = {}
    for step in kit.demo_steps():
        summary.update(kit.resolve(step.run)() or {})
    return summary
