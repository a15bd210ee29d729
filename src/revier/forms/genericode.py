"""Reading code lists in OASIS genericode 1.0 (as published by XRepository for FIM).

XDatenfelder only references most code lists (canonical identification and version); their values
come as separate genericode files. The first key column is the code, the first other column the
label shown to residents.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from lxml import etree

from revier.forms import xdf

GC = "http://docs.oasis-open.org/codelist/ns/genericode/1.0/"


@dataclass
class GenericodeList:
    canonical_uri: str
    canonical_version_uri: str
    version: str
    values: list[tuple[str, str]]


def parse_genericode(data: bytes) -> GenericodeList:
    """Raise :class:`revier.forms.xdf.XDatenfelderError` with the problems of a bad file."""
    root = xdf.safe_root(data)
    problems: list[xdf.Problem] = []
    tag = etree.QName(root)
    if tag.namespace != GC or tag.localname != "CodeList":
        raise xdf.XDatenfelderError(
            [xdf.Problem("/", _("This is not a genericode code list."), root.sourceline)]
        )
    ns = {"gc": GC}

    def text(path: str) -> str:
        found = root.find(path, ns)
        return (found.text or "").strip() if found is not None else ""

    canonical = text("Identification/CanonicalUri")
    if not canonical:
        problems.append(xdf.Problem("/gc:CodeList/Identification", _("Missing CanonicalUri.")))
    columns = [c.get("Id", "") for c in root.findall("ColumnSet/Column")]
    keys = [ref.get("Ref", "") for ref in root.findall("ColumnSet/Key/ColumnRef")]
    code_column = keys[0] if keys else (columns[0] if columns else "")
    label_column = next((c for c in columns if c != code_column), code_column)
    values: list[tuple[str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(root.findall("SimpleCodeList/Row"), start=1):
        cells = {
            value.get("ColumnRef", ""): (value.findtext("SimpleValue") or "").strip()
            for value in row.findall("Value")
        }
        code = cells.get(code_column, "")
        path = f"/gc:CodeList/SimpleCodeList/Row[{number}]"
        if not code:
            problems.append(xdf.Problem(path, _("Row without a code."), row.sourceline))
        elif code in seen:
            problems.append(
                xdf.Problem(path, _("Duplicate code %(code)s.") % {"code": code}, row.sourceline)
            )
        else:
            seen.add(code)
            values.append((code, cells.get(label_column) or code))
    if not values and not problems:
        problems.append(xdf.Problem("/gc:CodeList/SimpleCodeList", _("The code list is empty.")))
    if problems:
        raise xdf.XDatenfelderError(problems)
    return GenericodeList(
        canonical_uri=canonical,
        canonical_version_uri=text("Identification/CanonicalVersionUri"),
        version=text("Identification/Version"),
        values=values,
    )
