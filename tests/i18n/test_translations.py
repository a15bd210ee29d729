"""German is the default language and English is shipped: every translatable string in the code
must be in the committed catalogues, and every German entry must be translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "revier"


def parse_po(path: Path) -> dict[tuple[str, str], dict]:
    """A small .po reader: {(msgctxt, msgid): {"msgstr": [...], "fuzzy": bool}}."""
    entries: dict[tuple[str, str], dict] = {}
    current: dict = {}
    key = None

    def flush():
        if "msgid" in current and current["msgid"] != "":
            entries[(current.get("msgctxt", ""), current["msgid"])] = {
                "msgstr": current.get("msgstr", []),
                "fuzzy": current.get("fuzzy", False),
            }

    def unquote(text: str) -> str:
        return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            flush()
            current, key = {}, None
        elif line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            key, _, rest = line.partition(" ")
            current[key] = unquote(rest)
        elif line.startswith("msgstr"):
            key = "msgstr"
            current.setdefault("msgstr", []).append(unquote(line.partition(" ")[2]))
        elif line.startswith('"') and key:
            if key == "msgstr":
                current["msgstr"][-1] += unquote(line)
            else:
                current[key] += unquote(line)
    flush()
    return entries


@pytest.fixture(scope="module")
def german():
    return parse_po(PACKAGE / "locale" / "de" / "LC_MESSAGES" / "django.po")


def test_every_german_entry_is_translated(german):
    missing = [msgid for (_, msgid), e in german.items() if not all(e["msgstr"])]
    fuzzy = [msgid for (_, msgid), e in german.items() if e["fuzzy"]]
    assert missing == [], f"untranslated German entries: {missing[:20]}"
    assert fuzzy == [], f"fuzzy German entries: {fuzzy[:20]}"


def test_compiled_catalogues_are_current():
    for language in ("de", "en"):
        folder = PACKAGE / "locale" / language / "LC_MESSAGES"
        po, mo = folder / "django.po", folder / "django.mo"
        assert mo.exists(), f"{mo} missing: run make messages"
        compiled = subprocess.run(
            ["msgfmt", "--check", "-o", "-", str(po)], capture_output=True, check=True
        ).stdout
        assert compiled == mo.read_bytes(), f"{mo} is stale: run make messages"


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path, german):
    """Extract the strings from a copy of the code and compare with the committed catalogue."""
    copy = tmp_path / "revier"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "de",
            "--no-obsolete",
            "--ignore",
            "*/static/vendor/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "revier.config.settings",
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "REVIER_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": str(PACKAGE.parent),
        },
    )
    extracted = parse_po(copy / "locale" / "de" / "LC_MESSAGES" / "django.po")
    new = sorted(msgid for (_, msgid) in set(extracted) - set(german))
    assert new == [], f"strings missing from the catalogue (run make messages): {new[:20]}"
