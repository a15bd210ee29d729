"""Demo cases for Zeitz: real applications of the demo resident for "Wohnsitz Anmeldung",
delivered through the built-in back-office route, so the case worker of ``make run`` finds an
inbox with cases in several states, a decision template and their office.

Call ``demo_cases(municipality)`` after the demo catalogue and the demo application form exist
(``revier.applications.demo.load_demo_applications``). Idempotent.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.utils import timezone
from django_scopes import scope

LEIKA = "99115005104000"  # the demo's online form (revier.applications.demo)
RESIDENT = "anna.schmidt@example.org"
CASE_WORKER = "case-worker@zeitz.example"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

APPLICANTS = [
    ("Schmidt", "Anna", "1980-05-17", "Altmarkt 3"),
    ("Schmidt", "Ben", "2015-02-03", "Altmarkt 3"),
    ("Schmidt", "Anna", "1980-05-17", "Schützenplatz 1"),
]

# The letter adds the salutation, the fees, the closing and the note on the missing signature
# (revier.cases.decision); a template holds the tenor, the reasons and, after ---, the
# Rechtsbehelfsbelehrung.
TEMPLATE_BODY = (
    "über Ihren Antrag „{service}“ vom {application_date} wird wie folgt entschieden:\n\n"
    "Dem Antrag wird stattgegeben.\n\n"
    "Begründung: Die Angaben in Ihrem Antrag und die beigefügten Nachweise erfüllen die "
    "Voraussetzungen. Die Angaben wurden geprüft und übernommen.\n"
    "---\n"
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben "
    "werden. Der Widerspruch ist schriftlich oder zur Niederschrift bei der {authority}, "
    "einzulegen."
)
# The demo's earlier wording ("Sehr geehrte/r", "vom Aktenzeichen"): replaced where found.
OLD_TEMPLATE_START = "Sehr geehrte/r {applicant_name},"


def _data(family: str, given: str, born: str, street: str) -> dict:
    return {
        "GD0000001": {"FD0000001": family, "FD0000002": given, "FD0000003": born},
        "GD0000002": {
            "FD0000010": street,
            "FD0000011": "06712",
            "FD0000012": "Zeitz",
            "FD0000013": (timezone.localdate() - dt.timedelta(days=7)).isoformat(),
        },
        "GD0000003": [],
        "feld_11": {
            "filename": "wohnungsgeberbestaetigung.pdf",
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        },
    }


def demo_cases(municipality) -> int:
    """Make the demo cases of ``municipality`` (Zeitz); returns how many were made."""
    from revier.accounts.models import User
    from revier.applications.services import application_submit_api
    from revier.cases.models import Case, DecisionTemplate, OfficeMember
    from revier.cases.services import case_assign, case_message_send, case_status_change
    from revier.delivery.models import Delivery
    from revier.delivery.services import delivery_run
    from revier.forms.selectors import form_version_published_for
    from revier.services.models import LocalService

    with scope(municipality=municipality):
        worker = User.objects.filter(email=CASE_WORKER).first()
        resident = User.objects.filter(email=RESIDENT).first()
        version = form_version_published_for(leika=LEIKA)
        if worker is None or resident is None or version is None:
            return 0
        office_id = (
            LocalService.objects.filter(service__leika=LEIKA)
            .values_list("office_id", flat=True)
            .first()
        )
        if office_id and not OfficeMember.objects.filter(user=worker).exists():
            OfficeMember.objects.create(municipality=municipality, office_id=office_id, user=worker)
        DecisionTemplate.objects.filter(body__startswith=OLD_TEMPLATE_START).update(
            body=TEMPLATE_BODY
        )
        if not DecisionTemplate.objects.exists():
            DecisionTemplate.objects.create(
                municipality=municipality,
                name="Stattgabe (Standard)",
                result=Case.Result.GRANTED,
                subject="Bescheid zu Ihrem Antrag {reference}",
                body=TEMPLATE_BODY,
            )
        if Case.objects.filter(leika=LEIKA).exists():
            return 0
        made = []
        for family, given, born, street in APPLICANTS:
            _status, body = application_submit_api(
                municipality=municipality,
                version=version,
                actor=resident,
                data=_data(family, given, born, street),
            )
            # Delivered now rather than by the queue, so the cases can be moved along below;
            # the queued task later finds the delivery done and leaves it.
            delivery = Delivery.objects.get(reference=body["reference"])
            delivery_run(delivery_id=delivery.pk)
            case = Case.objects.filter(reference=body["reference"]).first()
            if case is not None:
                made.append(case)
        if len(made) >= 2:
            case_assign(case=made[0], assignee=worker, actor=worker)
            case_status_change(
                case=made[0], to_status="in_progress", actor=worker, notify_applicant=False
            )
            case_message_send(
                case=made[1],
                actor=worker,
                subject="Wohnungsgeberbestätigung unvollständig",
                body="Bitte senden Sie uns die vom Vermieter unterschriebene Bestätigung.",
                requests_information=True,
                answer_due=timezone.localdate() + dt.timedelta(days=14),
            )
    return len(made)


def load() -> None:
    """The cases module's demo step (``revier demo``)."""
    from revier.accounts.demo import demo_municipalities

    # Cases come from real submissions delivered to Zeitz's own back office (idempotent).
    demo_cases(demo_municipalities()["zeitz"])
