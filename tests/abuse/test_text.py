"""core.text: one cleaning rule for names and free text in pages and the API (issue 13, item 8)."""

import pytest
from django.core.exceptions import ValidationError

from revier.core.text import CleanCharField, CleanCharSerializerField, clean_text, clean_tree


@pytest.mark.parametrize(
    "value",
    ["A\u202eB", "A\u2066B", "A\u200bB", "A\u200dB", "A\x00B", "A\x1bB", "A\ud800B", "A\ufeffB"],
)
def test_refused_characters_name_the_character(value):
    with pytest.raises(ValidationError) as exc:
        clean_text(value)
    assert "position 2" in exc.value.messages[0]
    assert f"U+{ord(value[1]):04X}" in exc.value.messages[0]


def test_line_breaks_only_where_several_lines_are_allowed():
    assert clean_text("a\r\nb\tc", multiline=True) == "a\r\nb\tc"
    with pytest.raises(ValidationError):
        clean_text("a\nb", multiline=False)


def test_nfc_and_ordinary_text_pass():
    assert clean_text("Mu\u0308ller") == "M\u00fcller"
    assert clean_text("Zeitz – Straße 7, 06712 🙂") == "Zeitz – Straße 7, 06712 🙂"
    assert clean_text("عربي") == "عربي"


def test_clean_tree_reports_each_place():
    cleaned, errors = clean_tree({"a": "x\x00", "b": ["ok", "y\u202e"], "c\ud800": 1, "d": 2})
    assert set(errors) == {"a", "b/1", "c\ufffd"}
    assert cleaned["d"] == 2


def test_form_field_counts_letters_after_nfc():
    field = CleanCharField(max_length=6)
    assert field.clean("Mu\u0308ller") == "M\u00fcller"  # 7 code points, 6 letters
    with pytest.raises(ValidationError):
        field.clean("Anna\u202e")


def test_profile_form_refuses_a_spoofed_name():
    from revier.accounts.forms import ProfileForm

    form = ProfileForm(
        {"first_name": "Anna\u202e", "last_name": "Schmidt", "preferred_language": "de"}
    )
    assert not form.is_valid()
    assert "U+202E" in form.errors["first_name"][0]


def test_serializer_field():
    from rest_framework import serializers

    field = CleanCharSerializerField()
    assert field.run_validation("Mu\u0308ller") == "M\u00fcller"
    with pytest.raises(serializers.ValidationError):
        field.run_validation("x\x00")
