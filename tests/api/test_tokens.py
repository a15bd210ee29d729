"""API tokens: issued on the command line, accepted in the Authorization header."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from tests.conftest import make_user


@pytest.mark.django_db
def test_create_token_prints_the_same_token_until_reset(capsys):
    user = make_user("api@example.org")

    call_command("create-token", user="API@example.org")
    first = capsys.readouterr().out.strip()
    call_command("create-token", user="api@example.org")
    second = capsys.readouterr().out.strip()
    call_command("create-token", user="api@example.org", reset=True)
    third = capsys.readouterr().out.strip()

    assert first == second
    assert len(first) == 40
    assert third != first
    assert Token.objects.get(user=user).key == third


@pytest.mark.django_db
def test_create_token_for_unknown_person_fails(capsys):
    with pytest.raises(CommandError) as error:
        call_command("create-token", user="nobody@example.org")

    assert str(error.value) == "There is no person with the e-mail address 'nobody@example.org'."
    # The exit code of `revier create-token` (tests/ops/test_commands.py runs it for real).
    assert error.value.returncode == 1
    assert capsys.readouterr().out == ""
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_authenticates_api_requests(client, zeitz_admin, capsys):
    call_command("create-token", user=zeitz_admin.email)
    token = capsys.readouterr().out.strip()

    response = client.get("/api/v1/zeitz/staff/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_token_of_deactivated_person_is_rejected(client, zeitz_admin, capsys):
    call_command("create-token", user=zeitz_admin.email)
    token = capsys.readouterr().out.strip()
    zeitz_admin.is_active = False
    zeitz_admin.save()

    response = client.get("/api/v1/zeitz/staff/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."
