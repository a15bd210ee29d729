"""German area keys: AGS (Amtlicher Gemeindeschlüssel), ARS (Amtlicher Regionalschlüssel).

AGS: Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeinde (3) = 8 digits.
ARS: Land (2) + Regierungsbezirk (1) + Kreis (2) + Gemeindeverband (4) + Gemeinde (3) = 12 digits.
An AGS and an ARS describe the same municipality when the ARS is the AGS with the
Gemeindeverband inserted after the Kreis.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LAENDER = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}


def validate_ags(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 8 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("The AGS must consist of exactly 8 digits (e.g. 15084590)."), code="ags_format"
        )
    if value[:2] not in LAENDER:
        raise ValidationError(
            _("The AGS starts with %(land)s, which is not the key of a German Land (01–16).")
            % {"land": value[:2]},
            code="ags_land",
        )


def validate_ars(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 12 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("The ARS must consist of exactly 12 digits (e.g. 150840590590)."), code="ars_format"
        )
    if value[:2] not in LAENDER:
        raise ValidationError(
            _("The ARS starts with %(land)s, which is not the key of a German Land (01–16).")
            % {"land": value[:2]},
            code="ars_land",
        )


def ags_from_ars(ars: str) -> str:
    return ars[:5] + ars[9:12]


def validate_ags_matches_ars(ags: str, ars: str) -> None:
    if ags_from_ars(ars) != ags:
        raise ValidationError(
            _(
                "AGS %(ags)s and ARS %(ars)s do not describe the same municipality: the ARS must "
                "start with the first five digits of the AGS and end with its last three."
            )
            % {"ags": ags, "ars": ars},
            code="ags_ars_mismatch",
        )


def land_name(ags: str) -> str:
    return LAENDER.get(ags[:2], "")
