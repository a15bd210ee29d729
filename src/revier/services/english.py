"""English words for the German service catalogue (ADR 0039).

The catalogue (LeiKa, XZuFi) is German only: names, synonyms and texts. A resident using the
English interface types "dog", "passport" or "register my address" and found nothing. Until
the catalogue carries English names (XZuFi allows texts per language; the federal catalogue has
few), the search puts the German word beside each English word or phrase it knows, from this
small glossary kept with the catalogue. It is applied only when the interface is English, so a
German query is never rewritten ("Pass" stays "Pass").

Entries are the everyday words residents use, mapped to the German word that occurs in the
service names or synonyms; the search's substring and trigram matching does the rest ("Hund"
finds "Hundesteuer Anmeldung"). Longest phrases are replaced first.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    # People and addresses
    "register my address": "Anmeldung",
    "register address": "Anmeldung",
    "change of address": "Anmeldung",
    "moving house": "Umzug",
    "move house": "Umzug",
    "moving": "Umzug",
    "move": "Umzug",
    "register": "Anmeldung",
    "registration": "Anmeldung",
    "deregister": "Abmeldung",
    "deregistration": "Abmeldung",
    "second home": "Zweitwohnung",
    "certificate of residence": "Meldebescheinigung",
    "proof of address": "Meldebescheinigung",
    "address lookup": "Melderegisterauskunft",
    # Documents
    "identity card": "Personalausweis",
    "id card": "Personalausweis",
    "id": "Ausweis",
    "passport": "Reisepass",
    "children's passport": "Kinderreisepass",
    "lost": "Verlust",
    "stolen": "Verlust",
    "birth certificate": "Geburtsurkunde",
    "death certificate": "Sterbeurkunde",
    "marriage certificate": "Eheurkunde",
    "certificate of good conduct": "Führungszeugnis",
    "criminal record": "Führungszeugnis",
    "police certificate": "Führungszeugnis",
    "driving licence": "Führerschein",
    "driving license": "Führerschein",
    "driver's license": "Führerschein",
    # Family
    "marriage": "Eheschließung",
    "marry": "Eheschließung",
    "wedding": "Eheschließung",
    "birth": "Geburt",
    "death": "Sterbefall",
    "paternity": "Vaterschaft",
    "custody": "Sorge",
    "parental allowance": "Elterngeld",
    "parental leave": "Elternzeit",
    "child maintenance": "Unterhaltsvorschuss",
    "childcare": "Kita",
    "nursery": "Kita",
    "kindergarten": "Kita",
    "student grant": "BAföG",
    "school transport": "Schülerbeförderung",
    # Money, tax, housing
    "dog tax": "Hundesteuer",
    "dog": "Hund",
    "dogs": "Hund",
    "puppy": "Hund",
    "property tax": "Grundsteuer",
    "trade tax": "Gewerbesteuer",
    "tax": "Steuer",
    "housing benefit": "Wohngeld",
    "rent subsidy": "Wohngeld",
    "social housing": "Wohnberechtigungsschein",
    "social assistance": "Sozialhilfe",
    "welfare": "Sozialhilfe",
    "unemployment benefit": "Arbeitslosengeld",
    "disability": "Behinderung",
    "care": "Pflege",
    # Business, building, leisure
    "business": "Gewerbe",
    "trade": "Gewerbe",
    "start a business": "Gewerbeanzeige",
    "self-employed": "Gewerbe",
    "building permit": "Baugenehmigung",
    "planning permission": "Baugenehmigung",
    "parking permit": "Bewohnerparkausweis",
    "resident parking": "Bewohnerparkausweis",
    "parking": "Parkausweis",
    "fishing": "Fischereischein",
    "hunting": "Jagdschein",
    "citizenship": "Einbürgerung",
    "naturalisation": "Einbürgerung",
    "naturalization": "Einbürgerung",
}

_PHRASES = sorted(GLOSSARY, key=len, reverse=True)
_PATTERN = re.compile(
    r"(?<![\w])(" + "|".join(re.escape(p) for p in _PHRASES) + r")(?![\w])", re.IGNORECASE
)


def to_german(q: str) -> str:
    """``q`` with every known English word or phrase replaced by its German search word."""
    return _PATTERN.sub(lambda match: GLOSSARY[match.group(1).lower()], q)
