"""gunicorn settings of the production image (`gunicorn -c config/gunicorn.py config.wsgi:application`)."""


def post_worker_init(worker):
    """Each web worker loads WeasyPrint and its fonts before its first request (about 2 s of CPU and 12 MiB): the
    first CERFA it prints then takes the time of the next ones rather than several seconds more."""
    from common.pdf import warm_up

    warm_up()
