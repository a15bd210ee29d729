"""FIM rules the server can check, compiled at import time into a small JSON expression.

FIM rule scripts have no standardised language; most are prose or JavaScript fragments. Revier
recognises these forms (whitespace and an optional trailing ``;`` are ignored) and lists every
other rule in the import report as "not checked by the server":

* the name ``MindestEineAngabe`` or a text "mindestens eine Angabe": at least one element of the
  group the rule is attached to is answered;
* ``F1 == "x"``, ``F1 >= 18``, ``F1 <= F2`` (``== != < <= > >=``; a string, number,
  ``true``/``false`` or another element on the right): when ``F1`` is answered, the comparison
  holds;
* ``if (F1 == "x") required(F2)`` (``then`` optional): ``F2`` must be answered when the condition
  holds;
* ``count(G1) >= 2``: the number of entries of a repeatable element.

Element ids are resolved among the children of the group the rule is attached to (for a rule on a
field: the field's group).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_ID = r"([A-Za-z][A-Za-z0-9_]*)"
_LIT = r"(\"[^\"]*\"|'[^']*'|-?\d+(?:\.\d+)?|true|false|[A-Za-z][A-Za-z0-9_]*)"
_OP = r"(==|!=|<=|>=|<|>)"
COMPARE_RE = re.compile(rf"^{_ID}\s*{_OP}\s*{_LIT}$")
REQUIRED_IF_RE = re.compile(
    rf"^if\s*\(\s*{_ID}\s*{_OP}\s*{_LIT}\s*\)\s*(?:then\s+)?required\(\s*{_ID}\s*\)$"
)
COUNT_RE = re.compile(rf"^count\(\s*{_ID}\s*\)\s*{_OP}\s*(\d+)$")
AT_LEAST_ONE_RE = re.compile(r"mindestens\s+eine\s+angabe|^mindesteineangabe$", re.IGNORECASE)


def _literal(text: str, known: set[str]) -> dict | None:
    if text[0] in "\"'":
        return {"value": text[1:-1]}
    if text in ("true", "false"):
        return {"value": text == "true"}
    if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        return {"value": text, "number": True}
    if text in known:
        return {"ref": text}
    return None


def compile_rule(*, name: str, free_text: str, script: str, known: set[str]) -> tuple[dict, str]:
    """Return ``(expression, "")`` for a rule the server can check, else ``({}, reason)``.

    ``known`` are the keys of the elements the rule may refer to.
    """
    named = AT_LEAST_ONE_RE.search(name.replace(" ", "")) or AT_LEAST_ONE_RE.search(free_text)
    # An empty script or the portal's empty placeholder function: the name says it all.
    if named and script.strip() in ("", "function script() {}"):
        return {"op": "at_least_one"}, ""
    source = " ".join(script.split()).rstrip(";").strip()
    if not source:
        return {}, "no script"
    if match := REQUIRED_IF_RE.match(source):
        left, op, lit, target = match.groups()
        right = _literal(lit, known)
        if left in known and target in known and right is not None:
            return {
                "op": "required_if",
                "field": target,
                "when": {"op": "compare", "left": left, "cmp": op, "right": right},
            }, ""
        return {}, "refers to elements outside its group"
    if match := COUNT_RE.match(source):
        ref, op, number = match.groups()
        if ref in known:
            return {"op": "count", "ref": ref, "cmp": op, "value": int(number)}, ""
        return {}, "refers to elements outside its group"
    if match := COMPARE_RE.match(source):
        left, op, lit = match.groups()
        right = _literal(lit, known)
        if left in known and right is not None:
            return {"op": "compare", "left": left, "cmp": op, "right": right}, ""
        return {}, "refers to elements outside its group"
    return {}, "script not understood"


# --- evaluation ---------------------------------------------------------------------------------


def _answered(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, list | dict):
        return any(_answered(v) for v in (value.values() if isinstance(value, dict) else value))
    return True


def _number(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(left, cmp: str, right, *, numeric: bool = False) -> bool | None:
    """None when the values cannot be compared (then the schema reports the type error)."""
    a, b = _number(left), _number(right)
    if numeric and (a is None or b is None):
        return None
    if a is None or b is None:
        if isinstance(left, bool) or isinstance(right, bool):
            a, b = left, right
        elif isinstance(left, str) and isinstance(right, str):
            a, b = left, right  # ISO dates and times order correctly as strings
        else:
            return None
    if cmp == "==":
        return a == b
    if cmp == "!=":
        return a != b
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[cmp]


def _resolve(side: dict, scope: dict):
    return scope.get(side["ref"]) if "ref" in side else side["value"]


def evaluate(expression: dict, scope: dict) -> tuple[bool, str]:
    """Check ``expression`` against the answers of one group instance.

    Returns ``(ok, key)``: ``key`` names the element to report the failure at ("" = the group).
    """
    op = expression.get("op")
    if op == "at_least_one":
        return any(_answered(v) for v in scope.values()), ""
    if op == "compare":
        left = scope.get(expression["left"])
        if not _answered(left):
            return True, ""
        right = _resolve(expression["right"], scope)
        if "ref" in expression["right"] and not _answered(right):
            return True, ""
        numeric = bool(expression["right"].get("number"))
        result = _compare(left, expression["cmp"], right, numeric=numeric)
        return result is not False, expression["left"]
    if op == "required_if":
        condition = expression["when"]
        left = scope.get(condition["left"])
        holds = _answered(left) and _compare(
            left,
            condition["cmp"],
            _resolve(condition["right"], scope),
            numeric=bool(condition["right"].get("number")),
        )
        if holds and not _answered(scope.get(expression["field"])):
            return False, expression["field"]
        return True, ""
    if op == "count":
        value = scope.get(expression["ref"])
        count = len(value) if isinstance(value, list) else (1 if _answered(value) else 0)
        result = _compare(count, expression["cmp"], expression["value"])
        return bool(result), expression["ref"]
    return True, ""
