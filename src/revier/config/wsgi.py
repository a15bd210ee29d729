import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
application = get_wsgi_application()

if os.environ.get("REVIER_WARM_UP", "1") != "0":
    # Before the first request (with gunicorn's preload_app: once, in the master).
    import gc

    from revier.core.warmup import warm_up

    warm_up()
    # What is loaded now lives as long as the process: keep it out of the garbage collector's
    # full collections (and, forked from a preloading master, its pages unwritten and shared).
    gc.freeze()
