"""Writes of case work, one module per concern. Every function takes keyword arguments, checks
what it is asked to do against the workflow and the person's access, writes the timeline and the
audit log, and notifies the applicant where the event concerns them. Views and the API call
these only, through this package (``from revier.cases import services``)."""

from revier.cases.services.assignment import case_assign, case_bulk_assign
from revier.cases.services.common import actor_municipality, case_access_check, case_link
from revier.cases.services.configuration import (
    decision_template_save,
    office_members_set,
    workflow_delete,
    workflow_save,
)
from revier.cases.services.decisions import case_decision_create
from revier.cases.services.intake import (
    FIM_FAMILY_NAME,
    FIM_GIVEN_NAME,
    case_intake,
    case_intake_retry,
)
from revier.cases.services.messages import (
    MAX_REPLY_FILE_BYTES,
    MAX_REPLY_FILES,
    case_message_send,
    case_note_add,
    case_reply,
    message_mark_read,
)
from revier.cases.services.payments import case_payment_record
from revier.cases.services.status import case_bulk_status_change, case_status_change

__all__ = [
    "FIM_FAMILY_NAME",
    "FIM_GIVEN_NAME",
    "MAX_REPLY_FILES",
    "MAX_REPLY_FILE_BYTES",
    "actor_municipality",
    "case_access_check",
    "case_assign",
    "case_bulk_assign",
    "case_bulk_status_change",
    "case_decision_create",
    "case_intake",
    "case_intake_retry",
    "case_link",
    "case_message_send",
    "case_note_add",
    "case_payment_record",
    "case_reply",
    "case_status_change",
    "decision_template_save",
    "message_mark_read",
    "office_members_set",
    "workflow_delete",
    "workflow_save",
]
