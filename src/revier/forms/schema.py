"""JSON Schema (draft 2020-12) of a form version's answers, and the server-side check.

Keying of the answers: an object whose properties are the keys of the top-level elements — the FIM
ids of the data groups that form the steps, and of fields that sit directly in the
Stammdatenschema (built fields: ``feld_<n>``). A group is an object keyed the same way, e.g.::

    {"G60000086": {"F60000227": "Mustermann", "F60000228": ["Erika", "Maria"]}, "F60000057": 4}

An element that may occur more than once (``anzahl`` ``0:*``, ``1:3`` …) is an array of its
values; a group with ``0:1`` may be left out; label fields carry no answer. Unanswered optional
fields are left out rather than sent empty.

Types: text, text_latin → string; date → string/date; time → string/time; datetime →
string/date-time; bool → boolean; num, num_currency → number; num_int → integer; file, obj →
string: the file's name, while its bytes travel beside the data (a FIT-Connect attachment, an
API multipart part or ``{"filename", "content_type", "content_base64"}`` object that the API
turns into the name). Constraints from ``praezisierung`` become minLength/maxLength/pattern/minimum/
maximum, known code list values an ``enum``.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from revier.core.text import DEFAULT_TEXT_MAX_LENGTH
from revier.forms import evaluation
from revier.forms.models import Field, FormVersion, Rule
from revier.forms.selectors import form_version_rules, form_version_tree

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TYPES = {
    "text": {"type": "string"},
    "text_latin": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "datetime": {"type": "string", "format": "date-time"},
    "bool": {"type": "boolean"},
    "num": {"type": "number"},
    "num_currency": {"type": "number"},
    "num_int": {"type": "integer"},
    # The name only: FIT-Connect sends files as attachments of their own, and a base64 copy in
    # the data would carry every file twice.
    "file": {"type": "string", "$comment": "file name; the file travels as an attachment"},
    "obj": {"type": "string", "$comment": "file name; the file travels as an attachment"},
}


def _number(value: str):
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _field_schema(node: dict) -> dict:
    schema = dict(_TYPES.get(node["datatype"], {"type": "string"}))
    schema["title"] = node["label"]
    if node["help_text"]:
        schema["description"] = node["help_text"]
    constraints = node["constraints"]
    if schema["type"] == "string" and "format" not in schema:
        if "min_length" in constraints:
            schema["minLength"] = constraints["min_length"]
        elif node["required"] and node["datatype"] in ("text", "text_latin"):
            schema["minLength"] = 1
        if "max_length" in constraints:
            schema["maxLength"] = constraints["max_length"]
        elif node["datatype"] in ("text", "text_latin"):
            # Every free-text answer has a limit, FIM's or ours (ADR 0029).
            schema["maxLength"] = DEFAULT_TEXT_MAX_LENGTH
        if "pattern" in constraints:
            schema["pattern"] = constraints["pattern"]
    if schema["type"] in ("number", "integer"):
        if "min_value" in constraints:
            schema["minimum"] = _number(constraints["min_value"])
        if "max_value" in constraints:
            schema["maximum"] = _number(constraints["max_value"])
    if node["choices"] and schema["type"] == "string":
        schema["enum"] = [c["code"] for c in node["choices"]]
        schema.pop("minLength", None)
    if node["kind"] == Field.Kind.LOCKED:
        schema["readOnly"] = True
        if node["content"]:
            schema["const"] = node["content"]
    elif node["content"] and node["kind"] != Field.Kind.HIDDEN:
        schema["default"] = node["content"]
    if node["fim_id"]:
        schema["$comment"] = f"FIM {node['fim_id']} {node['fim_version']}".strip()
    return schema


def _object_schema(children: list[dict]) -> dict:
    properties: dict = {}
    required: list[str] = []
    for child in children:
        if child["type"] == "field":
            if child["kind"] == Field.Kind.LABEL:
                continue
            schema = _field_schema(child)
        else:
            schema = _object_schema(child["children"])
            schema["title"] = child["label"]
            if child["help_text"]:
                schema["description"] = child["help_text"]
            if child["fim_id"]:
                schema["$comment"] = f"FIM {child['fim_id']} {child['fim_version']}".strip()
        if child["max_occurs"] is None or child["max_occurs"] > 1:
            schema = {"type": "array", "items": schema}
            if child["min_occurs"]:
                schema["minItems"] = child["min_occurs"]
            if child["max_occurs"] is not None:
                schema["maxItems"] = child["max_occurs"]
        properties[child["key"]] = schema
        if child["min_occurs"] > 0:
            required.append(child["key"])
    result = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        result["required"] = required
    return result


def schema_uri(version: FormVersion) -> str:
    """The ``$id`` of a version's JSON Schema (FIT-Connect's ``submissionSchema.schemaUri``)."""
    return f"urn:revier:form:{version.municipality.slug}:{version.form.leika}:{version.number}"


def json_schema(version: FormVersion, *, tree: list[dict] | None = None) -> dict:
    """The JSON Schema of the answers to ``version`` (see the module text for the keying)."""
    tree = form_version_tree(version) if tree is None else tree
    top: list[dict] = []
    for step in tree:
        if step["key"]:
            top.append(step)
        else:
            top.extend(step["children"])
    schema = _object_schema(top)
    return {
        "$schema": DIALECT,
        "$id": schema_uri(version),
        "title": version.title,
        **({"description": version.description} if version.description else {}),
        **schema,
    }


# --- built once per version ----------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledVersion:
    """What checking and showing answers needs of a version. Shared: read, never change."""

    tree: list[dict]
    schema: dict
    rules: list[Rule]
    validator: Draft202012Validator


_compiled: dict[tuple, CompiledVersion] = {}
_compiled_lock = threading.Lock()
COMPILED_MAX = 256


def form_version_compiled(version: FormVersion) -> CompiledVersion:
    """Tree, JSON Schema, rules and schema validator of ``version``.

    A version that has left draft never changes (``forms.services`` edits drafts only), so they
    are built once per process and version — building them cost ~15 ms per submission
    (benchmarks/RESULTS.md). Drafts are built anew on every call. The key includes what the
    schema's ``$id`` is made of, and the creation time, so a reused primary key (tests roll back)
    never finds another version's entry.
    """
    if version.status == FormVersion.Status.DRAFT:
        return _compile(version)
    key = (
        version.pk,
        version.created_at,
        version.municipality.slug,
        version.form.leika,
        version.number,
        version.title,
        version.description,
    )
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compile(version)
        with _compiled_lock:
            if len(_compiled) >= COMPILED_MAX:
                _compiled.clear()
            _compiled[key] = compiled
    return compiled


def _compile(version: FormVersion) -> CompiledVersion:
    tree = form_version_tree(version)
    schema = json_schema(version, tree=tree)
    return CompiledVersion(
        tree=tree,
        schema=schema,
        rules=form_version_rules(version),
        validator=Draft202012Validator(schema, format_checker=_format_checker()),
    )


# --- validation ---------------------------------------------------------------------------------


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def _date(value) -> bool:
        if not isinstance(value, str):
            return True
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and bool(
            dt.date.fromisoformat(value)
        )

    @checker.checks("time", raises=ValueError)
    def _time(value) -> bool:
        if not isinstance(value, str):
            return True
        return bool(re.fullmatch(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", value)) and (
            dt.time.fromisoformat(value.replace("Z", "+00:00")) is not None
        )

    @checker.checks("date-time", raises=ValueError)
    def _datetime(value) -> bool:
        if not isinstance(value, str):
            return True
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}T.+", value)) and (
            dt.datetime.fromisoformat(value.replace("Z", "+00:00")) is not None
        )

    return checker


def _message(error) -> str:
    validator, value = error.validator, error.validator_value
    if validator == "type":
        return {
            "string": _("Enter text."),
            "number": _("Enter a number."),
            "integer": _("Enter a whole number."),
            "boolean": _("Answer yes or no."),
            "array": _("Give a list of entries."),
            "object": _("The answers to this group are missing or malformed."),
        }.get(value, _("The value has the wrong type."))
    if validator == "minLength":
        if value == 1:
            return _("This field is required.")
        return _("Enter at least %(count)d characters.") % {"count": value}
    if validator == "maxLength":
        return _("Enter at most %(count)d characters.") % {"count": value}
    if validator == "pattern":
        return _("The value does not have the expected format.")
    if validator == "minimum":
        return _("The value must be at least %(limit)s.") % {"limit": value}
    if validator == "maximum":
        return _("The value must be at most %(limit)s.") % {"limit": value}
    if validator == "enum":
        return _("Choose one of the offered values.")
    if validator == "const":
        return _("This value cannot be changed.")
    if validator == "format":
        return {
            "date": _("Enter a valid date (YYYY-MM-DD)."),
            "time": _("Enter a valid time (HH:MM)."),
            "date-time": _("Enter a valid date and time."),
        }.get(value, _("The value has the wrong format."))
    if validator == "minItems":
        return _("Give at least %(count)d entries.") % {"count": value}
    if validator == "maxItems":
        return _("Give at most %(count)d entries.") % {"count": value}
    return _("The value is invalid.")


def _path(parts) -> str:
    return "/".join(str(p) for p in parts)


def _add(errors: dict[str, list[str]], path: str, message: str) -> None:
    messages = errors.setdefault(path, [])
    if message not in messages:
        messages.append(message)


def _scopes(data, keys: list[str], prefix: list) -> list[tuple[list, dict]]:
    """Every group instance at ``keys`` (fanning out over repeated groups) with its path."""
    if not isinstance(data, dict):
        return []
    if not keys:
        return [(prefix, data)]
    value = data.get(keys[0])
    if isinstance(value, list):
        found = []
        for index, item in enumerate(value):
            found += _scopes(item, keys[1:], [*prefix, keys[0], index])
        return found
    return _scopes(value, keys[1:], [*prefix, keys[0]]) if isinstance(value, dict) else []


def _rule_text(rule: Rule) -> str:
    return rule.free_text or rule.description or rule.name


def validate_answers(
    version: FormVersion,
    data,
    *,
    schema: dict | None = None,
    rules: list[Rule] | None = None,
    compiled: CompiledVersion | None = None,
) -> dict[str, list[str]]:
    """Check answers against the version's JSON Schema and its server-checked rules.

    Returns the messages (in the active language) keyed by the path of the element they concern,
    e.g. ``{"G60000086/F60000227": ["This field is required."]}``; ``""`` is the whole form.
    An empty dict means the answers are valid. ``compiled`` (``form_version_compiled``) gives
    schema, rules and a ready validator at once.
    """
    if compiled is not None:
        schema, rules, validator = compiled.schema, compiled.rules, compiled.validator
    else:
        schema = json_schema(version) if schema is None else schema
        validator = Draft202012Validator(schema, format_checker=_format_checker())
    errors: dict[str, list[str]] = {}
    for error in validator.iter_errors(data):
        base = list(error.absolute_path)
        if error.validator == "required":
            for key in error.validator_value:
                if isinstance(error.instance, dict) and key not in error.instance:
                    _add(errors, _path([*base, key]), _("This field is required."))
        elif error.validator == "additionalProperties":
            allowed = set(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    _add(errors, _path([*base, key]), _("There is no such field in this form."))
        else:
            _add(errors, _path(base), _message(error))
    if not isinstance(data, dict):
        return errors
    for rule in form_version_rules(version) if rules is None else rules:
        if not rule.evaluable:
            continue
        for target in rule.targets:
            expression = target.get("expression") or {}
            for prefix, scope in _scopes(data, target["scope"], []):
                ok, key = evaluation.evaluate(expression, scope)
                if ok:
                    continue
                path = _path([*prefix, key] if key else prefix)
                _add(errors, path, _("Rule not met: %(rule)s") % {"rule": _rule_text(rule)})
    return errors
