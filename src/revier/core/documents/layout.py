"""Page geometry of every generated document, in PDF points (1/72 inch) unless named ``*_MM``.

Both writers take their page size and default margins from here: the direct PDF/A writer
uses the points, the WeasyPrint stylesheet the millimetres.
"""

from __future__ import annotations

MM = 72 / 25.4  # points per millimetre

# A4 portrait.
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
PAGE_WIDTH, PAGE_HEIGHT = PAGE_WIDTH_MM * MM, PAGE_HEIGHT_MM * MM

# Default margins (the receipt's and the data export's): 20 mm top and bottom, 18 mm left and
# right.
MARGIN_X_MM, MARGIN_Y_MM = 18, 20
MARGIN_X, MARGIN_Y = MARGIN_X_MM * MM, MARGIN_Y_MM * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

LINE_HEIGHT = 1.25  # × font size, in the direct writer


class DIN5008:
    """Geometry of a business letter after DIN 5008:2020, form B (the common one, the window
    of a DL envelope), in millimetres from the top left corner of the page. Not used by any
    document yet; letters (decisions sent by post) are laid out on it."""

    MARGIN_LEFT_MM = 25  # text starts here
    MARGIN_RIGHT_MM = 20
    LETTERHEAD_HEIGHT_MM = 45  # Briefkopf; form A: 27

    # Anschriftfeld: 85 × 45 mm; the first 17.7 mm are the Zusatz- und Vermerkzone (return
    # address, postal notes), then 27.3 mm Anschriftzone (up to six lines of the address).
    ADDRESS_LEFT_MM = 20  # the field; its text starts 5 mm further in, at 25 mm
    ADDRESS_TOP_MM = 45  # form A: 27
    ADDRESS_WIDTH_MM = 85
    ADDRESS_HEIGHT_MM = 45
    ADDRESS_NOTE_HEIGHT_MM = 17.7
    ADDRESS_ZONE_HEIGHT_MM = 27.3

    # Informationsblock (reference, date, contact) to the right of the address field.
    INFO_LEFT_MM = 125
    INFO_TOP_MM = 50  # form A: 32
    INFO_WIDTH_MM = 75

    # Fold and punch marks on the left edge.
    FOLD_MARKS_MM = (105, 210)  # form A: 87, 192
    PUNCH_MARK_MM = 148.5
