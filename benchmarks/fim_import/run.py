"""FIM import benchmark: time to read and store a ~150 KB XDatenfelder Stammdatenschema.

No real export of that size is in the repository's sample data (the largest, the 1.0 export of
S00000036 Waffenbesitzkarte, has 80 KB), so the file is GENERATED here from the element patterns
of the fixtures and that export: header, Stammdatenschema with rules, top-level data groups with
nested groups, fields of every data type with praezisierung, help texts, legal references, code
list references and multiplicities. Generated for XDatenfelder 2.0 and 3.0.

Measured in one process per database (SQLite in a temporary directory, and PostgreSQL on
127.0.0.1 when reachable; its database is created and dropped again):

* parse  — reading and checking the XML (``revier.forms.xdf.parse``), no database;
* import — ``form_import_xdatenfelder``: parse plus storing steps, groups, fields, code lists and
  rules in one transaction (each run adds a version to the same form);
* schema — building the JSON Schema of the stored version from the database;
* validate — ``validate_answers`` of a complete, valid set of answers.

Usage: ``.venv/bin/python benchmarks/fim_import/run.py [--runs 20] [--write DIR] [--json FILE]``
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
LEIKA = "99089001001000"
TARGET_BYTES = 150 * 1024

NS = {
    "2.0": "urn:xoev-de:fim:standard:xdatenfelder_2",
    "3.0": "urn:xoev-de:fim:standard:xdatenfelder_3.0.0",
}
GROUP_NAMES = [
    "Antragstellende Person",
    "Anschrift Inland",
    "Kontaktdaten",
    "Gesetzliche Vertretung",
    "Bevollmächtigte Person",
    "Angaben zum Vorhaben",
    "Grundstück",
    "Zahlungsangaben",
    "Nachweise",
    "Erklärungen",
    "Angaben zum Betrieb",
    "Beteiligte Personen",
]
FIELD_PATTERNS = [
    ("Familienname", "text", "input", {"minLength": "1", "maxLength": "120"}, "1:1"),
    ("Vorname", "text", "input", {"maxLength": "80"}, "0:3"),
    ("Geburtsdatum", "date", "input", {}, "1:1"),
    ("Postleitzahl", "text", "input", {"pattern": "[0-9]{5}"}, "1:1"),
    ("Anzahl der Personen", "num_int", "input", {"minValue": "1", "maxValue": "99"}, "0:1"),
    ("Betrag in Euro", "num_currency", "input", {"minValue": "0"}, "0:1"),
    ("Staat", "text", "select", {}, "0:1"),
    ("Einverständnis", "bool", "input", {}, "1:1"),
    ("Nachweis", "file", "input", {}, "0:5"),
    ("Hinweis", "text", "label", {}, "1:1"),
]
HELP = (
    "Geben Sie die Angabe so an, wie sie in Ihrem amtlichen Ausweisdokument eingetragen ist. "
    "Bei Fragen wenden Sie sich an die zuständige Stelle."
)


class Ids:
    def __init__(self):
        self.n = 60000000

    def next(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"


def _code(name: str, value: str, version: str) -> str:
    if version == "2.0":
        return (
            f'<xdf:{name} listURI="urn:xoev-de:fim:codeliste:xdatenfelder.{name}" '
            f'listVersionID="1.0"><code>{value}</code></xdf:{name}>'
        )
    return f"<xdf:{name}><code>{value}</code></xdf:{name}>"


def _common(identifier: str, name: str, version: str, *, label: bool = True) -> str:
    ident = (
        f"<xdf:identifikation><xdf:id>{identifier}</xdf:id><xdf:version>1.2</xdf:version>"
        "</xdf:identifikation>"
    )
    if version == "2.0":
        return (
            f"{ident}<xdf:name>{name}</xdf:name><xdf:bezeichnungEingabe>{name}"
            f"</xdf:bezeichnungEingabe><xdf:bezeichnungAusgabe>{name}</xdf:bezeichnungAusgabe>"
            f"<xdf:beschreibung>Beschreibung: {name}</xdf:beschreibung>"
            f"<xdf:definition>Definition von {name} nach FIM-Baustein</xdf:definition>"
            "<xdf:bezug>§ 3 Abs. 1 Bundesmeldegesetz</xdf:bezug>"
            + _code("status", "aktiv", version)
            + "<xdf:fachlicherErsteller>FIM Baustein Datenfelder</xdf:fachlicherErsteller>"
            "<xdf:freigabedatum>2023-01-01</xdf:freigabedatum>"
            "<xdf:veroeffentlichungsdatum>2023-01-02</xdf:veroeffentlichungsdatum>"
        )
    return (
        f"{ident}<xdf:name>{name}</xdf:name>"
        f"<xdf:beschreibung>Beschreibung: {name}</xdf:beschreibung>"
        f"<xdf:definition>Definition von {name} nach FIM-Baustein</xdf:definition>"
        "<xdf:bezug>§ 3 Abs. 1 Bundesmeldegesetz</xdf:bezug>"
        + _code("freigabestatus", "6", version)
        + "<xdf:statusGesetztAm>2023-01-01</xdf:statusGesetztAm>"
        "<xdf:veroeffentlichungsdatum>2023-01-02</xdf:veroeffentlichungsdatum>"
        "<xdf:letzteAenderung>2023-01-02T10:00:00Z</xdf:letzteAenderung>"
        + (
            f"<xdf:bezeichnungEingabe>{name}</xdf:bezeichnungEingabe>"
            f"<xdf:bezeichnungAusgabe>{name}</xdf:bezeichnungAusgabe>"
            if label
            else ""
        )
    )


def _struktur(anzahl: str, body: str) -> str:
    return (
        f"<xdf:struktur><xdf:anzahl>{anzahl}</xdf:anzahl>"
        f"<xdf:enthaelt>{body}</xdf:enthaelt></xdf:struktur>"
    )


def _field(ids: Ids, pattern, version: str) -> tuple[str, str]:
    name, datatype, kind, constraints, anzahl = pattern
    identifier = ids.next("F")
    if version == "2.0":
        praez = json.dumps(constraints) if constraints else ""
        constraint_xml = f"<xdf:praezisierung>{praez}</xdf:praezisierung>"
        code_list = (
            "<xdf:codelisteReferenz><xdf:identifikation><xdf:id>C60000009</xdf:id>"
            "</xdf:identifikation><xdf:genericodeIdentification><xdf:canonicalIdentification>"
            "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat"
            "</xdf:canonicalIdentification><xdf:version>2023-02-24</xdf:version>"
            "</xdf:genericodeIdentification></xdf:codelisteReferenz>"
        )
    else:
        attrs = " ".join(f'{k}="{v}"' for k, v in constraints.items())
        constraint_xml = f"<xdf:praezisierung {attrs}/>" if attrs else ""
        code_list = (
            "<xdf:codelisteReferenz><xdf:canonicalIdentification>"
            "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staat"
            "</xdf:canonicalIdentification><xdf:version>2023-02-24</xdf:version>"
            "</xdf:codelisteReferenz>"
        )
    body = (
        "<xdf:datenfeld>"
        + _common(identifier, name, version)
        + _code("schemaelementart", "HAR", version)
        + f"<xdf:hilfetextEingabe>{HELP}</xdf:hilfetextEingabe>"
        + _code("feldart", kind, version)
        + _code("datentyp", datatype, version)
        + constraint_xml
        + ("<xdf:inhalt>Bitte beachten Sie die Hinweise.</xdf:inhalt>" if kind == "label" else "")
        + (code_list if kind == "select" else "")
        + "</xdf:datenfeld>"
    )
    return identifier, _struktur(anzahl, body)


def _rule(ids: Ids, version: str, script: str) -> str:
    identifier = ids.next("R")
    if version == "2.0":
        return (
            "<xdf:regel>"
            + _common(identifier, "Plausibilität", version)
            + f"<xdf:script>{script}</xdf:script></xdf:regel>"
        )
    return (
        f"<xdf:regel><xdf:identifikation><xdf:id>{identifier}</xdf:id><xdf:version>1.0</xdf:version>"
        "</xdf:identifikation><xdf:name>Plausibilität</xdf:name>"
        "<xdf:freitextRegel>Die Angaben müssen plausibel sein.</xdf:freitextRegel>"
        "<xdf:letzteAenderung>2023-01-02T10:00:00Z</xdf:letzteAenderung>"
        f"<xdf:typ><code>V</code></xdf:typ><xdf:skript>{script}</xdf:skript></xdf:regel>"
    )


def _group(ids: Ids, name: str, version: str, depth: int, anzahl: str) -> str:
    identifier = ids.next("G")
    children, first_int = [], None
    for pattern in FIELD_PATTERNS[: 6 if depth == 0 else 4]:
        fid, xml = _field(ids, pattern, version)
        if pattern[1] == "num_int":
            first_int = fid
        children.append(xml)
    if depth == 0:
        children.append(_group(ids, f"{name} – Einzelheiten", version, 1, "0:1"))
        for pattern in FIELD_PATTERNS[6:]:
            children.append(_field(ids, pattern, version)[1])
    rules = _rule(ids, version, f"{first_int} &lt;= 50") if first_int else ""
    body = (
        "<xdf:datenfeldgruppe>"
        + _common(identifier, name, version)
        + _code("schemaelementart", "HAR", version)
        + f"<xdf:hilfetextEingabe>{HELP}</xdf:hilfetextEingabe>"
        + rules
        + "".join(children)
        + "</xdf:datenfeldgruppe>"
    )
    return _struktur(anzahl, body)


def generate(version: str, target: int = TARGET_BYTES) -> bytes:
    """A Stammdatenschema of about ``target`` bytes (whole top-level groups are added)."""
    groups: list[str] = []
    ids = Ids()
    while True:
        name = GROUP_NAMES[len(groups) % len(GROUP_NAMES)]
        anzahl = "0:*" if len(groups) % 4 == 3 else "1:1"
        groups.append(_group(ids, name, version, 0, anzahl))
        data = _message(version, groups)
        if len(data) >= target:
            return data


def _message(version: str, groups: list[str]) -> bytes:
    if version == "2.0":
        head = (
            _common("S60000123", "Antrag auf Erteilung einer Erlaubnis", version)
            + _code("ableitungsmodifikationenStruktur", "3", version)
            + _code("ableitungsmodifikationenRepraesentation", "1", version)
        )
    else:
        head = (
            _common("S60000123", "Antrag auf Erteilung einer Erlaubnis", version, label=False)
            + "<xdf:bezeichnung>Antrag auf Erteilung einer Erlaubnis</xdf:bezeichnung>"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="{NS[version]}">'
        "<xdf:header><xdf:nachrichtID>bench</xdf:nachrichtID>"
        "<xdf:erstellungszeitpunkt>2024-01-01T00:00:00Z</xdf:erstellungszeitpunkt></xdf:header>"
        f"<xdf:stammdatenschema>{head}{''.join(groups)}</xdf:stammdatenschema>"
        "</xdf:xdatenfelder.stammdatenschema.0102>"
    )
    return xml.encode()


def sample_answers(tree: list[dict]) -> dict:
    """A complete valid answer set for the generated form."""

    def value(node):
        return (
            {
                "text": "Muster",
                "date": "1980-02-29",
                "num_int": 3,
                "num_currency": 12.5,
                "bool": True,
                "file": "aGFsbG8=",
            }[node["datatype"]]
            if node["kind"] != "select"
            else "000"
        )

    def fill(children) -> dict:
        out = {}
        for child in children:
            if child["type"] == "field":
                if child["kind"] == "label":
                    continue
                item = "12345" if child["constraints"].get("pattern") else value(child)
            else:
                item = fill(child["children"])
            repeat = child["max_occurs"] is None or child["max_occurs"] > 1
            out[child["key"]] = [item, item] if repeat else item
        return out

    answers = {}
    for step in tree:
        if step["key"]:
            body = fill(step["children"])
            repeat = step["max_occurs"] is None or step["max_occurs"] > 1
            answers[step["key"]] = [body] if repeat else body
        else:
            answers.update(fill(step["children"]))
    return answers


# --- child: one database --------------------------------------------------------------------


def _timed(fn, runs: int) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "min_ms": round(times[0], 1),
    }


def child(backend: str, runs: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scope

    from revier.forms import xdf
    from revier.forms.schema import json_schema, validate_answers
    from revier.forms.selectors import form_version_tree
    from revier.forms.services import form_import_xdatenfelder
    from revier.tenancy.services import municipality_create

    call_command("migrate", verbosity=0, interactive=False)
    zeitz = municipality_create(
        slug="zeitz", name="Zeitz", ags="15084590", ars="150840590590", kreis="Burgenlandkreis"
    )
    result = {"backend": backend, "database": connection.vendor, "files": []}
    for version_name in ("2.0", "3.0"):
        data = generate(version_name)
        message = xdf.parse(data)
        with scope(municipality=zeitz):
            version = form_import_xdatenfelder(municipality=zeitz, leika=LEIKA, data=data)
            fields = version.fields.count()
            tree = form_version_tree(version)
            answers = sample_answers(tree)
            assert validate_answers(version, answers) == {}, validate_answers(version, answers)
            entry = {
                "xdf": version_name,
                "bytes": len(data),
                "groups": version.steps.count() + version.groups.count(),
                "fields": fields,
                "rules": version.rules.count(),
                "warnings": len(message.warnings),
                "parse": _timed(lambda data=data: xdf.parse(data), runs),
                "import": _timed(
                    lambda data=data: form_import_xdatenfelder(
                        municipality=zeitz, leika=LEIKA, data=data
                    ),
                    runs,
                ),
                "schema": _timed(lambda version=version: json_schema(version), runs),
                "validate": _timed(
                    lambda version=version, answers=answers: validate_answers(version, answers),
                    runs,
                ),
            }
        result["files"].append(entry)
    return result


# --- parent ---------------------------------------------------------------------------------


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:  # any failure means: measure without PostgreSQL
        return False


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def run_child(backend: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("REVIER_", "DATABASE_")) and k != "DJANGO_SETTINGS_MODULE"
        }
        env["REVIER_DATA_DIR"] = data_dir
        name = ""
        if backend == "postgresql":
            name = f"revier_bench_{secrets.token_hex(4)}"
            _admin_sql(f"CREATE DATABASE {name}")
            env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", backend, "--runs", str(runs)],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
        finally:
            if name:
                _admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if proc.returncode != 0:
            raise SystemExit(f"{backend} run failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--write", help="write the generated XML files to this directory")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs)))
        return
    if args.write:
        for version_name in ("2.0", "3.0"):
            target = Path(args.write) / f"generated-xdf{version_name[0]}.xml"
            target.write_bytes(generate(version_name))
            print(f"wrote {target}")
    load = os.getloadavg()[0]
    print(f"load average (1 min) before: {load:.2f}; runs per measurement: {args.runs}")
    results = [run_child("sqlite", args.runs)]
    if _postgres_available():
        results.append(run_child("postgresql", args.runs))
    else:
        print("PostgreSQL not reachable at BENCH_PG_ADMIN_URL: measured on SQLite only")
    print()
    print(
        "| database | XDF | KB | groups | fields | rules | parse ms | import ms (median / p95) "
        "| JSON Schema ms | validate ms |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        for f in result["files"]:
            print(
                f"| {result['database']} | {f['xdf']} | {f['bytes'] / 1024:.0f} | {f['groups']} "
                f"| {f['fields']} | {f['rules']} | {f['parse']['median_ms']} "
                f"| {f['import']['median_ms']} / {f['import']['p95_ms']} "
                f"| {f['schema']['median_ms']} | {f['validate']['median_ms']} |"
            )
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "results": results}, indent=2))


if __name__ == "__main__":
    main()
