"""The FIT-Connect metadata schema the app ships is the shared sample, and what the app builds
for a package is valid against that shared file."""

import json
import uuid

import pytest
from jsonschema import Draft202012Validator

from revier.delivery import envelope
from revier.delivery.envelope import METADATA_SCHEMA_PATH, METADATA_SCHEMA_URI, metadata_build
from tests.conftest import SHARED_DATA
from tests.delivery.conftest import make_package

SHARED = SHARED_DATA / "fitconnect"
SHARED_SCHEMA = SHARED / "metadata.schema.v1.0.0.json"


def _shared_validator() -> Draft202012Validator:
    schema = json.loads(SHARED_SCHEMA.read_text(encoding="utf-8"))
    # The schema declares draft 2020-12; check it is a valid schema of that draft.
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _errors(metadata: dict) -> list[str]:
    return [
        f"/{'/'.join(map(str, e.path))}: {e.message}"
        for e in _shared_validator().iter_errors(metadata)
    ]


def test_app_schema_is_byte_identical_to_the_shared_sample():
    assert SHARED_SCHEMA.is_file(), SHARED_SCHEMA
    assert METADATA_SCHEMA_PATH.is_file()
    assert METADATA_SCHEMA_PATH.read_bytes() == SHARED_SCHEMA.read_bytes()
    # The $id the app writes into every metadata document is the shared schema's.
    assert json.loads(SHARED_SCHEMA.read_bytes())["$id"] == METADATA_SCHEMA_URI


@pytest.mark.django_db
def test_generated_metadata_validates_against_the_shared_schema(zeitz):
    package = make_package(zeitz)
    metadata = metadata_build(
        package, attachment_ids=[str(uuid.uuid4()) for _ in package.attachments]
    )
    # The full document: two attachments, payment, reply channel, reference info.
    assert metadata["$schema"] == METADATA_SCHEMA_URI
    assert {"paymentInformation", "replyChannel", "additionalReferenceInfo"} <= set(metadata)
    assert len(metadata["contentStructure"]["attachments"]) == 2
    assert _errors(metadata) == []
    # And the app's own check agrees.
    envelope.metadata_validate(metadata)


@pytest.mark.django_db
def test_minimal_metadata_validates_and_broken_metadata_is_refused(zeitz):
    package = make_package(zeitz, attachments=(), payment=None)
    metadata = metadata_build(package, attachment_ids=[])
    assert "paymentInformation" not in metadata
    assert metadata["contentStructure"]["attachments"] == []
    assert _errors(metadata) == []

    # The shared schema really constrains: a wrong hash type and a missing service are refused.
    broken = json.loads(json.dumps(metadata))
    broken["contentStructure"]["data"]["hash"]["type"] = "md5"
    del broken["publicServiceType"]
    assert _errors(broken)
    with pytest.raises(envelope.MetadataInvalid):
        envelope.metadata_validate(broken)
