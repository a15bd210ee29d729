"""The local FIT-Connect server enforces the API's order (so the sender tests mean something)."""

import uuid

import httpx
import pytest

from tests.delivery.conftest import LEIKA

PROBLEMS = "https://schema.fitko.de/fit-connect/submission-api/problems/"


@pytest.fixture
def api(fitconnect_server):
    token = httpx.post(
        fitconnect_server.token_url,
        data={
            "grant_type": "client_credentials",
            "client_id": fitconnect_server.client_id,
            "client_secret": fitconnect_server.client_secret,
        },
    ).json()["access_token"]
    with httpx.Client(
        base_url=fitconnect_server.api_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def create(api, server, announced):
    return api.post(
        "/v1/submissions",
        json={
            "destinationId": server.destination.destination_id,
            "announcedAttachments": announced,
            "serviceType": {"name": "x", "identifier": f"urn:de:fim:leika:leistung:{LEIKA}"},
        },
    )


def test_token_needs_the_client_credentials(fitconnect_server):
    answer = httpx.post(
        fitconnect_server.token_url,
        data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
    )
    assert (answer.status_code, answer.json()) == (401, {"error": "invalid_client"})
    unauthorised = httpx.get(
        f"{fitconnect_server.api_url}/v1/destinations/{fitconnect_server.destination.destination_id}"
    )
    assert unauthorised.status_code == 401
    assert unauthorised.headers["Content-Type"] == "application/problem+json"


def test_submit_before_all_attachments_is_refused(api, fitconnect_server):
    announced = [str(uuid.uuid4()), str(uuid.uuid4())]
    submission_id = create(api, fitconnect_server, announced).json()["submissionId"]
    api.put(
        f"/v1/submissions/{submission_id}/attachments/{announced[0]}",
        content=b"a.b.c.d.e",
        headers={"Content-Type": "application/jose"},
    ).raise_for_status()

    answer = api.put(
        f"/v1/submissions/{submission_id}", json={"encryptedMetadata": "", "encryptedData": ""}
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "type": PROBLEMS + "missing-attachments",
        "title": "Announced attachments missing",
        "status": 422,
        "detail": announced[1],
        "instance": f"/v1/submissions/{submission_id}",
    }


def test_unannounced_attachment_and_wrong_content_type_are_refused(api, fitconnect_server):
    announced = str(uuid.uuid4())
    submission_id = create(api, fitconnect_server, [announced]).json()["submissionId"]
    other = api.put(
        f"/v1/submissions/{submission_id}/attachments/{uuid.uuid4()}",
        content=b"a.b.c.d.e",
        headers={"Content-Type": "application/jose"},
    )
    assert (other.status_code, other.json()["type"]) == (404, PROBLEMS + "attachment-not-announced")
    plain = api.put(
        f"/v1/submissions/{submission_id}/attachments/{announced}",
        content=b"a.b.c.d.e",
        headers={"Content-Type": "text/plain"},
    )
    assert plain.status_code == 415


def test_service_not_offered_by_the_destination_is_refused(api, fitconnect_server):
    answer = api.post(
        "/v1/submissions",
        json={
            "destinationId": fitconnect_server.destination.destination_id,
            "announcedAttachments": [],
            "serviceType": {"name": "x", "identifier": "urn:de:fim:leika:leistung:99000000000000"},
        },
    )
    assert (answer.status_code, answer.json()["type"]) == (422, PROBLEMS + "service-mismatch")
