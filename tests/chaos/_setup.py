"""Run by the chaos test inside ``revier shell`` (the stack's environment): Zeitz and Naumburg
(unless the demo made them), a resident with an API token, the demo's form for Wohnsitz Anmeldung
in Zeitz routed to the local FIT-Connect server, and the same form in Naumburg, delivered to its
own back office (the default route). Prints JSON. Arguments come as environment variables
(CHAOS_*). Without the whole demo (catalogue, people, news) the stack is up in seconds."""

import json
import os

from django_scopes import scope

from revier.accounts.models import User
from revier.applications.demo import LEIKA, UPLOAD_LABEL, schema
from revier.core.services import api_token_issue
from revier.delivery.services import delivery_route_set
from revier.forms.models import Field, Form, FormVersion
from revier.forms.services import (
    form_field_add,
    form_import_xdatenfelder,
    form_step_add,
    form_version_publish,
)
from revier.tenancy.models import Municipality
from revier.tenancy.services import municipality_create

MUNICIPALITIES = {
    "zeitz": {"name": "Zeitz", "ags": "15084590", "ars": "150840590590"},
    "naumburg": {"name": "Naumburg (Saale)", "ags": "15084355", "ars": "150840355355"},
}


def published(municipality) -> FormVersion:
    with scope(municipality=municipality):
        form = Form.objects.filter(leika=LEIKA).first()
        if form is not None:
            return form.versions.get(status=FormVersion.Status.PUBLISHED)
        version = form_import_xdatenfelder(
            municipality=municipality, leika=LEIKA, data=schema(), filename="x.xml", actor=None
        )
        step = form_step_add(version=version, title="Nachweise", actor=None)
        form_field_add(
            version=version,
            step=step,
            label=UPLOAD_LABEL,
            datatype=Field.Datatype.FILE,
            required=True,
            actor=None,
        )
        return form_version_publish(version=version, actor=None)


resident = User.objects.filter(email="chaos@example.org").first() or User.objects.create_user(
    email="chaos@example.org", password=os.environ["CHAOS_PASSWORD"]
)
for slug, values in MUNICIPALITIES.items():
    if not Municipality.objects.filter(slug=slug).exists():
        municipality_create(
            slug=slug, kreis="Burgenlandkreis", enabled_modules=["services"], **values
        )
zeitz = Municipality.objects.get(slug="zeitz")
naumburg = Municipality.objects.get(slug="naumburg")
with scope(municipality=zeitz):
    delivery_route_set(
        municipality=zeitz,
        leika=LEIKA,
        plugin="fitconnect",
        options=json.loads(os.environ["CHAOS_ROUTE"]),
    )
forms, uploads = {}, {}
for municipality in (zeitz, naumburg):
    forms[municipality.slug] = version = published(municipality).pk
    with scope(municipality=municipality):
        uploads[municipality.slug] = Field.objects.get(
            version_id=version, datatype=Field.Datatype.FILE
        ).key
print(json.dumps({"token": api_token_issue(user=resident), "forms": forms, "uploads": uploads}))
