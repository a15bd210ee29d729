"""Work every web process would otherwise do on its first requests, done before it serves any.

On a loaded 2-core VM a fresh process's first request took 4.8 s (importing every view while
building the URL resolvers, loading the translation catalogues, compiling templates): with four
workers started or recycled together, no request was answered for seconds (issue 11's stalls,
issue 13's "pool answered nothing"). ``revier.config.wsgi`` calls ``warm_up()`` when the
application is loaded — with gunicorn's ``preload_app`` once in the master, so every forked
worker starts warm and shares the memory (ADR 0034). Touches neither database nor cache.
"""

import logging
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def warm_up() -> float:
    """Build the URL resolvers, load every language's catalogue, compile the templates.
    Returns the seconds it took."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.template.exceptions import TemplateDoesNotExist
    from django.urls import get_resolver
    from django.utils import translation

    started = time.perf_counter()
    for urlconf in (settings.ROOT_URLCONF, settings.MUNICIPALITY_URLCONF):
        resolver = get_resolver(urlconf)
        resolver.reverse_dict  # noqa: B018 - populates the resolver, importing every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Municipalities")
    engine = engines["django"]
    for directory in engine.template_dirs:
        root = Path(directory)
        for path in root.rglob("*.html"):
            try:
                engine.get_template(str(path.relative_to(root)))
            except (TemplateSyntaxError, TemplateDoesNotExist, LookupError):
                # Not ours to judge here: the page that uses it reports it.
                continue
    seconds = time.perf_counter() - started
    logger.info("warmed up in %.2f s", seconds)
    return seconds
