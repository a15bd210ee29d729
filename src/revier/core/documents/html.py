"""The HTML writer: a Django-rendered HTML page laid out by WeasyPrint, for documents designed
as templates and made one at a time (decisions, the personal-data export).

Every such document gets the shared stylesheet first (as a user stylesheet, so the template's
own rules win): the shipped fonts through ``@font-face``, the A4 page with the default margins,
the base font. The font configuration and the stylesheet are built once per process.

WeasyPrint fetches only ``data:`` URLs and files below the fonts directory or the given
``base_url`` (a local directory): a document never makes a network request, whatever ends up
in its HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from revier.core.documents.fonts import FAMILY, FONT_DIR, font_face_css
from revier.core.documents.layout import MARGIN_X_MM, MARGIN_Y_MM
from revier.core.documents.model import Attachment


def stylesheet() -> str:
    return (
        font_face_css()
        + f"@page {{ size: A4; margin: {MARGIN_Y_MM}mm {MARGIN_X_MM}mm; }}\n"
        + f'html {{ font-family: "{FAMILY}", sans-serif; font-size: 10pt; color: #111; }}\n'
    )


@cache
def _shared():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    css = CSS(string=stylesheet(), font_config=config, url_fetcher=_fetcher(None))
    return config, css


def render_html_pdf(
    html: str,
    *,
    base_url: str | Path | None = None,
    attachments: Sequence[Attachment] = (),
    pdfa: bool = True,
) -> bytes:
    """The PDF of ``html``: tagged, with the shared fonts; PDF/A-3b unless ``pdfa`` is false.
    ``base_url`` is a local directory relative URLs (images, stylesheets) resolve against."""
    from weasyprint import HTML
    from weasyprint import Attachment as WeasyAttachment

    names = [attachment.filename for attachment in attachments]
    if len(set(names)) != len(names):
        raise ValueError("attachment file names must be unique")
    root = Path(base_url).resolve() if base_url is not None else None
    config, css = _shared()
    fetcher = _fetcher(root)
    document = HTML(
        string=html,
        base_url=(root.as_uri() + "/") if root else None,
        url_fetcher=fetcher,
    )
    return document.write_pdf(
        stylesheets=[css],
        font_config=config,
        pdf_tags=True,
        pdf_variant="pdf/a-3b" if pdfa else None,
        attachments=[
            # WeasyPrint takes the MIME type from the file name.
            WeasyAttachment(
                string=attachment.data,
                name=attachment.filename,
                description=attachment.description,
                relationship=attachment.relationship,
                url_fetcher=fetcher,
            )
            for attachment in attachments
        ],
    )


def _fetcher(root: Path | None):
    from weasyprint import URLFetcher

    allowed = [FONT_DIR.resolve()] + ([root] if root else [])

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if not any(path.is_relative_to(directory) for directory in allowed):
                    raise ValueError(f"not a document resource: {url}")
            elif parts.scheme != "data":
                raise ValueError(f"documents fetch nothing from the network: {url}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"), fail_on_errors=False)
