"""From the pages' input to the answers and back, along the form version's tree.

``raw`` (what was typed, kept even when invalid) is flat: ``{"values": {path: text},
"counts": {path: n}}``, where a path is the element keys joined by ``/`` with the index of each
repeated element, e.g. ``G60000100/1/F60000302`` — the same paths ``validate_answers`` names its
errors by, so an error lands at its input. ``data`` is typed and keyed as the JSON Schema.
File fields hold the file name in ``data``; the file travels as an attachment of the package.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from revier.core.text import DEFAULT_TEXT_MAX_LENGTH

MAX_REPEAT = 50


def join(*parts) -> str:
    return "/".join(str(p) for p in parts if p != "")


def is_repeatable(node: dict) -> bool:
    return node["max_occurs"] is None or node["max_occurs"] > 1


def count(raw: dict, node: dict, path: str) -> int:
    default = max(node["min_occurs"], 1)
    stored = raw.get("counts", {}).get(path, default)
    upper = node["max_occurs"] if node["max_occurs"] is not None else MAX_REPEAT
    return max(min(int(stored), upper), node["min_occurs"], 0)


def step_prefix(step: dict) -> str:
    return step["key"]


def step_roots(step: dict) -> list[tuple[dict, str]]:
    """The step itself (a top-level group), or its children when they sit at the top level."""
    if step["key"]:
        return [(step, "")]
    return [(child, "") for child in step["children"]]


# --- typed answers ------------------------------------------------------------------------------


def _number(text: str):
    try:
        number = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def coerce(field: dict, text):
    """The typed value of one input; text that does not parse stays text, so the schema check
    reports it at its field."""
    if text is None:
        return None
    text = str(text).strip()
    if text == "":
        return None
    datatype = field["datatype"]
    if datatype == "bool":
        return {"true": True, "false": False}.get(text, text)
    if datatype in ("num", "num_currency"):
        return _number(text)
    if datatype == "num_int":
        value = _number(text)
        return value if isinstance(value, int) else text
    if datatype == "date":
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                return text
    return text


def _node_data(node: dict, path: str, raw: dict):
    values = raw.get("values", {})
    if node["type"] == "field":
        return coerce(node, values.get(path))
    result = {}
    for child in node["children"]:
        if child["type"] == "field" and child["kind"] == "label":
            continue
        _put(result, child, join(path, child["key"]), raw)
    return result


def _put(target: dict, node: dict, path: str, raw: dict) -> None:
    if is_repeatable(node):
        items = [_node_data(node, join(path, i), raw) for i in range(count(raw, node, path))]
        if node["type"] == "field":
            items = [item for item in items if item is not None]
        else:
            items = [item for item in items if item or node["min_occurs"] > 0]
        if items:
            target[node["key"]] = items
        return
    value = _node_data(node, path, raw)
    if node["type"] == "field":
        if value is not None:
            target[node["key"]] = value
    elif value or node["min_occurs"] > 0:
        target[node["key"]] = value


def to_data(tree: list[dict], raw: dict) -> dict:
    data: dict = {}
    for step in tree:
        for node, prefix in step_roots(step):
            if node["type"] == "field" and node["kind"] == "label":
                continue
            _put(data, node, join(prefix, node["key"]), raw)
    return data


# --- reading a page's POST ----------------------------------------------------------------------


def _walk_inputs(node: dict, path: str, raw: dict, visit) -> None:
    """Call ``visit(field, path)`` for every input of ``node`` at ``path``."""
    if node["type"] == "field":
        if node["kind"] == "label":
            return
        if is_repeatable(node):
            for i in range(count(raw, node, path)):
                visit(node, join(path, i))
        else:
            visit(node, path)
        return
    instances = (
        [join(path, i) for i in range(count(raw, node, path))] if is_repeatable(node) else [path]
    )
    for instance in instances:
        for child in node["children"]:
            _walk_inputs(child, join(instance, child["key"]), raw, visit)


def step_fields(step: dict, raw: dict) -> list[tuple[dict, str]]:
    found: list[tuple[dict, str]] = []
    for node, prefix in step_roots(step):
        _walk_inputs(node, join(prefix, node["key"]), raw, lambda f, p: found.append((f, p)))
    return found


def repeatables(step: dict) -> dict[str, dict]:
    """Paths (with ``*`` for indices) of repeatable elements on a step → their node."""
    found: dict[str, dict] = {}

    def walk(node, path):
        if is_repeatable(node):
            found[path] = node
            path = join(path, "*")
        for child in node.get("children", []):
            walk(child, join(path, child["key"]))

    for node, prefix in step_roots(step):
        walk(node, join(prefix, node["key"]))
    return found


def read_post(step: dict, raw: dict, post) -> dict:
    """``raw`` with the page's inputs taken over (files are handled by the caller)."""
    raw = {"values": dict(raw.get("values", {})), "counts": dict(raw.get("counts", {}))}
    for name, value in post.items():
        if name.startswith("count:"):
            path = name[6:]
            if _matches_repeatable(step, path):
                with contextlib.suppress(ValueError):
                    raw["counts"][path] = max(0, min(int(value), MAX_REPEAT))
    for field, path in step_fields(step, raw):
        if field["datatype"] in ("file", "obj") or field["kind"] in ("locked", "hidden"):
            continue
        if field["datatype"] == "bool" and not field["choices"]:
            raw["values"][path] = post.get(path, "")
        elif path in post:
            # Kept one past the limit, so the check says "too long" instead of cutting silently.
            limit = max_length(field) or DEFAULT_TEXT_MAX_LENGTH
            raw["values"][path] = post.get(path, "")[: limit + 1]
    return raw


def _matches_repeatable(step: dict, path: str) -> bool:
    generic = re.sub(r"/\d+(?=/|$)", "/*", path)
    return generic in repeatables(step)


def add_instance(raw: dict, node: dict, path: str) -> dict:
    raw["counts"][path] = min(count(raw, node, path) + 1, node["max_occurs"] or MAX_REPEAT)
    return raw


def remove_instance(raw: dict, node: dict, path: str, index: int) -> dict:
    """Drop instance ``index`` of the element at ``path`` and move the later ones up."""
    n = count(raw, node, path)
    if n <= node["min_occurs"] or not 0 <= index < n:
        return raw
    pattern = re.compile(re.escape(path) + r"/(\d+)(?=/|$)")

    def shift(mapping: dict) -> dict:
        result = {}
        for key, value in mapping.items():
            match = pattern.match(key)
            if not match:
                result[key] = value
                continue
            i = int(match.group(1))
            if i == index:
                continue
            if i > index:
                key = f"{path}/{i - 1}" + key[match.end() :]
            result[key] = value
        return result

    raw["values"] = shift(raw["values"])
    raw["counts"] = shift(raw["counts"])
    raw["counts"][path] = n - 1
    return raw


# --- pages and display --------------------------------------------------------------------------


def errors_for_step(step: dict, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    keys = {step["key"]} if step["key"] else {c["key"] for c in step["children"]}
    return {p: m for p, m in errors.items() if p.split("/", 1)[0] in keys}


def html_id(path: str) -> str:
    return "a-" + re.sub(r"[^A-Za-z0-9_-]", "-", path)


def _field_item(field: dict, path: str, raw: dict, errors: dict, uploads: dict) -> dict:
    value = raw.get("values", {}).get(path, "")
    if field["kind"] == "locked" and field["content"]:
        value = field["content"]
    return {
        "type": "field",
        "node": field,
        "path": path,
        "id": html_id(path),
        "value": value,
        "errors": errors.get(path, []),
        "upload": uploads.get(path),
        "widget": _widget(field),
        "max_length": max_length(field),
    }


def max_length(field: dict) -> int | None:
    """The most characters a text answer may have: FIM's limit, else the default (ADR 0029)."""
    if field["datatype"] not in ("text", "text_latin") or field["choices"]:
        return None
    return field["constraints"].get("max_length") or DEFAULT_TEXT_MAX_LENGTH


def _widget(field: dict) -> str:
    if field["kind"] == "label":
        return "label"
    if field["datatype"] in ("file", "obj"):
        return "file"
    if field["choices"]:
        return "radio" if len(field["choices"]) <= 5 else "select"
    if field["datatype"] == "bool":
        return "bool"
    if field["datatype"] == "date":
        return "date"
    if field["datatype"] in ("num", "num_int", "num_currency"):
        return "number"
    if (field["constraints"].get("max_length") or 0) > 200:
        return "textarea"
    return "text"


def page_items(node: dict, path: str, raw: dict, errors: dict, uploads: dict) -> list[dict]:
    """What a page shows for ``node`` at ``path``: fields and group instances, nested."""
    if node["type"] == "field":
        if is_repeatable(node):
            return [
                {
                    "type": "repeat",
                    "node": node,
                    "path": path,
                    "count": count(raw, node, path),
                    "can_add": node["max_occurs"] is None
                    or count(raw, node, path) < node["max_occurs"],
                    "errors": errors.get(path, []),
                    "items": [
                        {**_field_item(node, join(path, i), raw, errors, uploads), "index": i}
                        for i in range(count(raw, node, path))
                    ],
                    "can_remove": count(raw, node, path) > node["min_occurs"],
                }
            ]
        return [_field_item(node, path, raw, errors, uploads)]

    def children(instance_path):
        items = []
        for child in node["children"]:
            items += page_items(child, join(instance_path, child["key"]), raw, errors, uploads)
        return items

    if is_repeatable(node):
        n = count(raw, node, path)
        return [
            {
                "type": "repeat",
                "node": node,
                "path": path,
                "count": n,
                "can_add": node["max_occurs"] is None or n < node["max_occurs"],
                "can_remove": n > node["min_occurs"],
                "errors": errors.get(path, []),
                "items": [
                    {
                        "type": "group",
                        "node": node,
                        "index": i,
                        "path": join(path, i),
                        "errors": errors.get(join(path, i), []),
                        "children": children(join(path, i)),
                    }
                    for i in range(n)
                ],
            }
        ]
    return [
        {
            "type": "group",
            "node": node,
            "path": path,
            "errors": errors.get(path, []),
            "children": children(path),
        }
    ]


def step_page(step: dict, raw: dict, errors: dict, uploads: dict) -> list[dict]:
    if step["key"]:
        if is_repeatable(step):
            return page_items(step, step["key"], raw, errors, uploads)
        # The step's own group is the page: show its children directly (the page has the title).
        return page_items(step, step["key"], raw, errors, uploads)[0]["children"]
    items = []
    for child in step["children"]:
        items += page_items(child, child["key"], raw, errors, uploads)
    return items


def display_value(field: dict, value) -> str:
    if value is None or value == "":
        return ""
    if field["choices"]:
        labels = {c["code"]: c.get("label") or c["code"] for c in field["choices"]}
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field["datatype"] == "date" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if field["datatype"] == "num_currency" and isinstance(value, int | float):
        return f"{Decimal(str(value)):.2f} EUR"
    return str(value)


def summary_rows(node: dict, value, label_prefix: str = "") -> list[dict]:
    """Rows ``{"label", "value"}`` for the check page and the receipt."""
    rows: list[dict] = []
    if node["type"] == "field":
        if node["kind"] == "label":
            return rows
        values = value if isinstance(value, list) else [value]
        shown = [display_value(node, v) for v in values if v not in (None, "")]
        rows.append({"label": label_prefix + node["label"], "value": ", ".join(shown)})
        return rows
    instances = value if isinstance(value, list) else [value]
    for i, instance in enumerate(instances):
        prefix = label_prefix
        if isinstance(value, list):
            prefix = f"{label_prefix}{node['label']} {i + 1}: "
        for child in node["children"]:
            child_value = (instance or {}).get(child["key"]) if isinstance(instance, dict) else None
            rows += summary_rows(child, child_value, prefix)
    return rows


def step_summary(step: dict, data: dict) -> list[dict]:
    if step["key"]:
        value = data.get(step["key"])
        if is_repeatable(step):
            return summary_rows(step, value or [])
        return summary_rows(step, value or {})
    rows = []
    for child in step["children"]:
        rows += summary_rows(child, data.get(child["key"]))
    return rows
