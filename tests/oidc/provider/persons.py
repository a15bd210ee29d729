"""The test identities and the claims a BundID broker would send for them."""

PASSWORD = "Identitaet-Test-2026"

# username -> claims. The trust level travels in "acr" in the forms a broker uses.
PERSONS = {
    "erika": {
        "given_name": "Erika",
        "family_name": "Mustermann",
        "email": "erika.mustermann@example.org",
        "email_verified": True,
        "birthdate": "1964-08-12",
        "address": {
            "street_address": "Heidestraße 17",
            "postal_code": "06712",
            "locality": "Zeitz",
            "country": "DE",
        },
        "acr": "http://eidas.europa.eu/LoA/high",
    },
    "max": {
        "given_name": "Max",
        "family_name": "Mustermann",
        "email": "max.mustermann@example.org",
        "email_verified": True,
        "birthdate": "1970-01-02",
        "acr": "STORK-QAA-Level-3",
    },
    # The provider does not vouch for this address: Revier must not take it as verified.
    "lena": {
        "given_name": "Lena",
        "family_name": "Unbestätigt",
        "email": "lena@example.org",
        "email_verified": False,
        "acr": "STORK-QAA-Level-1",
    },
    # An existing Revier account (same verified address) that logs in through the provider.
    "anna": {
        "given_name": "Annabelle",
        "family_name": "Schmidt",
        "email": "anna.schmidt@example.org",
        "email_verified": True,
        "birthdate": "1980-05-17",
        "acr": "urn:oid:1.2.3:unknown-level",
    },
}
