"""Audit the locked dependencies for known vulnerabilities (``make audit``, run by ``make ci``).

1. ``uv export`` writes every locked package (all groups, with hashes) as a requirements file;
2. ``pip-audit`` checks exactly those versions against the vulnerability service (default: PyPI's
   JSON API; ``AUDIT_SERVICE=osv`` for OSV), without installing or resolving anything;
3. this script reads pip-audit's JSON report and decides:

   - exit 0: every package was checked and nothing is found beyond ``pip-audit-ignore.txt``;
   - exit 1: a vulnerability that is not on the ignore list (they are printed);
   - exit 2: the audit could not be done — the service was not reachable, or did not answer for
     some packages. That is a failure, never a silent pass: an audit that checked nothing must
     not look like a clean one. Where the service is known to be out of reach (an offline
     build), ``AUDIT_UNREACHABLE=warn`` turns this one case into a loud warning and exit 0;
     vulnerabilities found still fail.

The ignore list has one vulnerability per line, its id, then the reason (required), e.g.
``GHSA-xxxx-xxxx-xxxx  dev only (docs build), not in the production environment``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IGNORE_FILE = REPO / "pip-audit-ignore.txt"


class AuditError(Exception):
    """The audit could not be carried out (exit 2)."""


def read_ignore_list(path: Path = IGNORE_FILE) -> dict[str, str]:
    """``{vulnerability id: reason}``; a line without a reason is refused."""
    ignored: dict[str, str] = {}
    if not path.is_file():
        return ignored
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise AuditError(f"{path.name}, line {number}: {vuln_id} is ignored without a reason.")
        ignored[vuln_id] = reason.strip()
    return ignored


def evaluate(report: dict, ignored: dict[str, str]) -> tuple[int, list[str]]:
    """Exit code and lines to print for pip-audit's JSON ``report``."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if not dependencies:
        raise AuditError("pip-audit reported no packages at all: nothing was audited.")
    if skipped:
        examples = "; ".join(f"{d['name']}: {d['skip_reason']}" for d in skipped[:3])
        raise AuditError(
            f"pip-audit could not check {len(skipped)} of {len(dependencies)} packages, so the "
            f"audit did not run (e.g. {examples}). Is the vulnerability service reachable from "
            "here? PyPI's per-version JSON API (https://pypi.org/pypi/<name>/<version>/json) or "
            "with AUDIT_SERVICE=osv https://api.osv.dev must answer."
        )
    lines: list[str] = []
    found = 0
    for dep in dependencies:
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            reason = next((ignored[i] for i in sorted(ids) if i in ignored), None)
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            where = f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})"
            if reason:
                lines.append(f"ignored  {where} — {reason}")
            else:
                found += 1
                lines.append(f"VULNERABLE  {where}")
    lines.append(
        f"{len(dependencies)} packages audited, {found} known vulnerabilities "
        f"not on the ignore list."
    )
    return (1 if found else 0), lines


def run(out_dir: Path) -> int:
    uv = os.environ.get("UV") or shutil.which("uv") or str(REPO / ".uv" / "bin" / "uv")
    pip_audit = str(Path(sys.executable).with_name("pip-audit"))
    out_dir.mkdir(parents=True, exist_ok=True)
    requirements = out_dir / "requirements-audit.txt"
    report_file = out_dir / "pip-audit.json"
    subprocess.run(
        [
            uv,
            "export",
            "--frozen",
            "--quiet",
            "--all-groups",
            "--no-emit-project",
            "--format",
            "requirements-txt",
            "--output-file",
            str(requirements),
        ],
        cwd=REPO,
        check=True,
        timeout=300,
    )
    report_file.unlink(missing_ok=True)
    result = subprocess.run(
        [
            pip_audit,
            "--requirement",
            str(requirements),
            "--require-hashes",
            "--disable-pip",
            "--vulnerability-service",
            os.environ.get("AUDIT_SERVICE", "pypi"),
            "--progress-spinner",
            "off",
            "--timeout",
            "30",
            "--format",
            "json",
            "--output",
            str(report_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if not report_file.is_file():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise AuditError(
            "pip-audit did not finish (the vulnerability service is probably not reachable):\n  "
            + "\n  ".join(detail)
        )
    code, lines = evaluate(json.loads(report_file.read_text()), read_ignore_list())
    print("\n".join(lines))
    return code


def main() -> int:
    try:
        return run(REPO / "var" / "audit")
    except AuditError as exc:
        if os.environ.get("AUDIT_UNREACHABLE") == "warn":
            print(f"make audit: WARNING, NOT AUDITED (AUDIT_UNREACHABLE=warn): {exc}")
            return 0
        print(f"make audit: FAILED, not audited: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
