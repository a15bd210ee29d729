"""``make audit`` (scripts/audit.py): a clean report passes, a finding fails, an audit that could
not reach the vulnerability service fails instead of passing silently."""

import importlib.util

import pytest

from tests.ops.conftest import REPO

_spec = importlib.util.spec_from_file_location("revier_audit", REPO / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def _dep(name="django", version="5.2.1", vulns=(), skip_reason=None):
    dep = {"name": name, "version": version}
    if skip_reason:
        dep["skip_reason"] = skip_reason
    else:
        dep["vulns"] = list(vulns)
    return dep


VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-0001"], "fix_versions": ["5.2.2"]}


def test_a_clean_report_passes():
    code, lines = audit.evaluate({"dependencies": [_dep(), _dep("redis", "8.1.0")]}, {})
    assert code == 0
    assert lines[-1] == "2 packages audited, 0 known vulnerabilities not on the ignore list."


def test_a_vulnerability_fails_and_names_package_id_and_fix():
    code, lines = audit.evaluate({"dependencies": [_dep(vulns=[VULN])]}, {})
    assert code == 1
    assert "VULNERABLE  django 5.2.1: PYSEC-2099-1 (fixed in 5.2.2)" in lines


def test_an_ignored_vulnerability_by_alias_passes_with_its_reason():
    code, lines = audit.evaluate(
        {"dependencies": [_dep(vulns=[VULN])]}, {"CVE-2099-0001": "only the admin uses it"}
    )
    assert code == 0
    assert any("ignored" in line and "only the admin uses it" in line for line in lines)


def test_packages_the_service_could_not_check_make_the_audit_fail():
    report = {
        "dependencies": [
            _dep(),
            _dep("amqp", "5.4.2", skip_reason="Dependency not found on PyPI"),
        ]
    }
    with pytest.raises(audit.AuditError, match="could not check 1 of 2 packages"):
        audit.evaluate(report, {})
    with pytest.raises(audit.AuditError, match="nothing was audited"):
        audit.evaluate({"dependencies": []}, {})


def test_the_ignore_list_needs_a_reason(tmp_path):
    path = tmp_path / "ignore.txt"
    path.write_text("# comment\n\nGHSA-aaaa-bbbb-cccc  dev only, never deployed\n")
    assert audit.read_ignore_list(path) == {"GHSA-aaaa-bbbb-cccc": "dev only, never deployed"}
    path.write_text("GHSA-aaaa-bbbb-cccc\n")
    with pytest.raises(audit.AuditError, match="line 1: GHSA-aaaa-bbbb-cccc is ignored without"):
        audit.read_ignore_list(path)


def test_the_shipped_ignore_list_is_valid():
    audit.read_ignore_list()


def test_unreachable_service_fails_unless_explicitly_warned(monkeypatch, capsys):
    def unreachable(out_dir):
        raise audit.AuditError("service down")

    monkeypatch.setattr(audit, "run", unreachable)
    monkeypatch.delenv("AUDIT_UNREACHABLE", raising=False)
    assert audit.main() == 2
    assert "FAILED, not audited: service down" in capsys.readouterr().err
    monkeypatch.setenv("AUDIT_UNREACHABLE", "warn")
    assert audit.main() == 0
    assert "NOT AUDITED" in capsys.readouterr().out


def test_make_audit_is_part_of_make_ci():
    makefile = (REPO / "Makefile").read_text()
    ci = next(line for line in makefile.splitlines() if line.startswith("ci:"))
    assert " audit " in ci
