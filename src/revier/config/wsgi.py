import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
application = get_wsgi_application()

if os.environ.get("REVIER_WARM_UP", "1") != "0":
    # Before the first request (with gunicorn's preload_app: once, in the master).
    from revier.core.warmup import warm_up

    warm_up()
