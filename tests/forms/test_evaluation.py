"""The small rule language the server checks (revier.forms.evaluation)."""

import pytest

from revier.forms.evaluation import compile_rule, evaluate

KNOWN = {"F1", "F2", "G1"}


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('F1 == "ja"', {"op": "compare", "left": "F1", "cmp": "==", "right": {"value": "ja"}}),
        (
            "F1 >= 18;",
            {"op": "compare", "left": "F1", "cmp": ">=", "right": {"value": "18", "number": True}},
        ),
        ("F1 <= F2", {"op": "compare", "left": "F1", "cmp": "<=", "right": {"ref": "F2"}}),
        ("count( G1 ) >= 2", {"op": "count", "ref": "G1", "cmp": ">=", "value": 2}),
        (
            "if (F1 == 'x') then required(F2)",
            {
                "op": "required_if",
                "field": "F2",
                "when": {"op": "compare", "left": "F1", "cmp": "==", "right": {"value": "x"}},
            },
        ),
    ],
)
def test_compile_recognised_forms(script, expected):
    assert compile_rule(name="R", free_text="", script=script, known=KNOWN) == (expected, "")


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("", "no script"),
        ("function script() { return a.b; }", "script not understood"),
        ("F9 == 1", "refers to elements outside its group"),
        ("if (F1 == 1) required(F9)", "refers to elements outside its group"),
    ],
)
def test_compile_refuses_the_rest(script, reason):
    assert compile_rule(name="R", free_text="", script=script, known=KNOWN) == ({}, reason)


def test_at_least_one_by_name_or_text():
    expected = ({"op": "at_least_one"}, "")
    assert compile_rule(name="MindestEineAngabe", free_text="", script="", known=KNOWN) == expected
    text = "Es ist mindestens eine Angabe zu machen."
    assert compile_rule(name="X", free_text=text, script="", known=KNOWN) == expected


def test_evaluate():
    count = {"op": "count", "ref": "G1", "cmp": ">=", "value": 2}
    assert evaluate(count, {"G1": [{}, {}]}) == (True, "G1")
    assert evaluate(count, {"G1": [{}]}) == (False, "G1")
    dates = {"op": "compare", "left": "F1", "cmp": "<=", "right": {"ref": "F2"}}
    assert evaluate(dates, {"F1": "2024-01-01", "F2": "2024-02-01"})[0] is True
    assert evaluate(dates, {"F1": "2024-03-01", "F2": "2024-02-01"}) == (False, "F1")
    assert evaluate(dates, {"F1": "2024-03-01"})[0] is True  # nothing to compare with
    assert evaluate({"op": "at_least_one"}, {"F1": "", "F2": None}) == (False, "")
    assert evaluate({"op": "at_least_one"}, {"F1": "", "F2": [" x"]}) == (True, "")
