"""Back-office forms of case work. Every form on the case page has its own prefix, so the ids
of several forms on one page never clash."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from revier.cases.models import Case, StatusKind
from revier.frontend.forms import KernCheckboxInput, KernCheckboxSelectMultiple

RESULT_CHOICES = [("", _("no result yet")), *Case.Result.choices]
KIND_CHOICES = [c for c in StatusKind.choices]


def _person(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Reference number, applicant, service or e-mail address."),
    )
    # "State" of the work (open, waiting, closed): not the workflow's status, not a Land.
    kind = forms.ChoiceField(label=pgettext_lazy("case progress", "State"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    office = forms.TypedChoiceField(label=_("Office"), required=False, coerce=int, empty_value=None)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    leika = forms.ChoiceField(label=_("Service"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False, widget=KernCheckboxInput)
    # The order is chosen in the table's column headers (?sort=), see revier.backoffice.tables.

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("all states")), *KIND_CHOICES]
        self.fields["status"].choices = [("", _("all statuses")), *choices["statuses"]]
        self.fields["office"].choices = [("", _("all offices")), *choices["offices"]]
        self.fields["assignee"].choices = [
            ("", _("anybody")),
            ("mine", _("me")),
            ("none", _("nobody (unassigned)")),
            *[(str(u.pk), _person(u)) for u in choices["staff"]],
        ]
        self.fields["leika"].choices = [
            ("", _("all services")),
            *[(leika, f"{name} ({leika})") for leika, name in choices["services"]],
        ]


class BulkActionForm(forms.Form):
    """The action bar above the inbox: change the status of the chosen cases, or assign them.
    Which one is the button pressed (``action``: "status", the default, or "assign")."""

    ACTIONS = ("status", "assign")

    to_status = forms.ChoiceField(label=_("New status"), required=False)
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=RESULT_CHOICES,
        help_text=_("Needed when the new status closes the cases."),
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, statuses, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [("", _("choose")), *statuses]
        self.fields["assignee"].choices = [
            ("", _("choose")),
            ("none", _("nobody (unassigned)")),
            *[(str(p.pk), _person(p)) for p in people],
        ]

    def clean(self):
        cleaned = super().clean()
        action = (self.data.get("action") or "status") if self.is_bound else "status"
        if action not in self.ACTIONS:
            raise forms.ValidationError(_("Choose one of the actions for the chosen cases."))
        cleaned["action"] = action
        if action == "status" and not cleaned.get("to_status") and "to_status" not in self.errors:
            self.add_error("to_status", _("Choose the new status for the chosen cases."))
        if action == "assign" and not cleaned.get("assignee") and "assignee" not in self.errors:
            self.add_error("assignee", _("Choose who is to work on the chosen cases."))
        return cleaned


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Assign to"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("nobody")),
            *[(p.pk, _person(p)) for p in people],
        ]


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    result = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=RESULT_CHOICES,
        help_text=_("Needed when the case is closed."),
    )
    note = forms.CharField(
        label=_("Note for the applicant"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the case's history in the applicant's account."),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s.key, s.label) for s in allowed]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see internal notes."),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))
    requests_information = forms.BooleanField(
        label=_("Request missing information or documents (the case waits for the answer)"),
        required=False,
        widget=KernCheckboxInput,
    )
    answer_due = forms.DateField(
        label=_("Answer by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Up to 5 files, 10 MB each (PDF, images)."),
    )


class DecisionForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=Case.Result.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text of the decision"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "After a line with only --- follows the information on legal remedies "
            "(Rechtsbehelfsbelehrung)."
        ),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=0.01, max_digits=10, decimal_places=2
    )
    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[
            ("cash", _("cash at the town hall")),
            ("card", _("card at the town hall")),
            ("transfer", _("bank transfer")),
            ("online", _("online payment")),
        ],
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    kassenzeichen = forms.CharField(label=_("Kassenzeichen"), required=False, max_length=40)


class DecisionTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    leika = forms.CharField(
        label=_("LeiKa key"),
        required=False,
        max_length=14,
        help_text=_("Only for this service; empty for every service."),
    )
    result = forms.ChoiceField(label=_("Result"), choices=Case.Result.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Placeholders in braces are replaced, e.g. {reference}. After a line with only --- "
            "follows the information on legal remedies (Rechtsbehelfsbelehrung)."
        ),
    )


class WorkflowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    statuses = forms.CharField(
        label=_("Statuses"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One status per line: key | German label | English label | kind. Kinds: open, "
            "waiting, decided, closed."
        ),
    )
    transitions = forms.CharField(
        label=_("Allowed moves"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One line per status: key: the keys it may move to, separated by commas. "
            "A status without a line cannot be left."
        ),
    )
    initial = forms.CharField(label=_("Initial status (key)"), max_length=40)

    def clean_statuses(self):
        statuses = []
        for number, line in enumerate(self.cleaned_data["statuses"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4:
                raise forms.ValidationError(
                    _("Line %(line)s needs four parts separated by |.") % {"line": number}
                )
            key, label_de, label_en, kind = parts
            statuses.append({"key": key, "label_de": label_de, "label_en": label_en, "kind": kind})
        if not statuses:
            raise forms.ValidationError(_("Name at least one status."))
        return statuses

    def clean_transitions(self):
        transitions: dict[str, list[str]] = {}
        for number, line in enumerate(self.cleaned_data["transitions"].splitlines(), start=1):
            if not line.strip():
                continue
            source, sep, targets = line.partition(":")
            if not sep or not source.strip():
                raise forms.ValidationError(
                    _("Line %(line)s must look like “received: in_progress, closed”.")
                    % {"line": number}
                )
            transitions[source.strip()] = [t.strip() for t in targets.split(",") if t.strip()]
        return transitions

    @staticmethod
    def initial_from(definition) -> dict:
        return {
            "name": definition.name,
            "initial": definition.initial,
            "statuses": "\n".join(
                " | ".join(
                    [
                        s.key,
                        s.label_de or _label(s, "de"),
                        s.label_en or _label(s, "en"),
                        str(s.kind),
                    ]
                )
                for s in definition.statuses
            ),
            "transitions": "\n".join(
                f"{key}: {', '.join(targets)}" for key, targets in definition.transitions.items()
            ),
        }


def _label(status, language: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return status.label


class OfficeMembersForm(forms.Form):
    users = forms.TypedMultipleChoiceField(
        label=_("Case workers of this office"),
        required=False,
        coerce=int,
        widget=KernCheckboxSelectMultiple,
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].choices = [(p.pk, _person(p)) for p in people]
