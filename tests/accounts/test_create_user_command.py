"""``revier create-user``: a confirmed account for operators and tests, optionally with a role."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from revier.accounts.models import StaffRole, User


def run(*args) -> str:
    out = StringIO()
    call_command("create-user", *args, stdout=out)
    return out.getvalue().strip()


def test_creates_a_verified_account_and_prints_its_email(db):
    assert run("--email", "Neu.Person@Example.org") == "neu.person@example.org"
    user = User.objects.get(email="neu.person@example.org")
    assert EmailAddress.objects.get(user=user).verified is True
    assert not user.has_usable_password()
    with scopes_disabled():
        assert not user.staff_roles.exists()


def test_with_password_and_role_in_a_municipality(zeitz):
    run(
        "--email",
        "sb@zeitz.example",
        "--password",
        "Ein-Langes-Passwort-2026",
        "--municipality",
        "zeitz",
        "--role",
        "case_worker",
    )
    user = User.objects.get(email="sb@zeitz.example")
    assert user.check_password("Ein-Langes-Passwort-2026")
    with scopes_disabled():
        assert list(
            StaffRole.objects.filter(user=user).values_list("municipality__slug", "role")
        ) == [("zeitz", "case_worker")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "zeitz"], "go together"),
        (["--municipality", "nirgendwo", "--role", "case_worker"], "no municipality"),
        (["--municipality", "zeitz", "--role", "kaiser"], "Unknown role"),
    ],
)
def test_bad_arguments_name_the_problem_and_create_nothing(zeitz, args, message):
    with pytest.raises(CommandError, match=message):
        run("--email", "x@example.org", *args)
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_existing_address_is_refused(resident):
    with pytest.raises(CommandError, match="already exists"):
        run("--email", resident.email)
