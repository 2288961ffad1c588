"""gunicorn settings of the production image (`gunicorn -c config/gunicorn.py config.wsgi:application`)."""

import gc


def post_worker_init(worker):
    """Each web worker loads WeasyPrint and its fonts before its first request (about 2 s of CPU and 12 MiB): the
    first CERFA it prints then takes the time of the next ones rather than several seconds more.

    Then what the worker has loaded (Django, the app, WeasyPrint: about 230 000 objects) is moved out of the garbage
    collector's reach (gc.freeze): it lives as long as the worker, and a full collection, which walked all of it
    (about 110 ms once every thousand requests), now walks only what requests leave behind."""
    from common.pdf import warm_up

    warm_up()
    gc.collect()
    gc.freeze()
