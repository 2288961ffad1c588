"""The portal's WSGI application as bench/throughput.py serves it: exactly production's (config.wsgi's, run with
DJANGO_DEBUG=0), wrapped so that every request appends its status, number of SQL queries and SQL time to the file
named by BENCH_SQL_LOG, which the script reads after each load run. Never used outside bench/.

    gunicorn --chdir <repo> bench.sql_log:application
"""

import os
import time

from django.core.wsgi import get_wsgi_application
from django.db import connection

# What config.wsgi serves (DJANGO_SETTINGS_MODULE=config.settings, set by bench/throughput.py).
portal = get_wsgi_application()

LOG_PATH = os.environ["BENCH_SQL_LOG"]


def application(environ, start_response):
    spent = [0, 0.0]
    status = ["?"]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += 1
            spent[1] += time.perf_counter() - started

    def start(status_line, headers, exc_info=None):
        status[0] = status_line.split()[0]
        return start_response(status_line, headers, exc_info)

    with connection.execute_wrapper(timed):
        response = portal(environ, start)
    # One short line per request, appended in one write: the two workers' lines do not interleave.
    with open(LOG_PATH, "a") as log:
        log.write(f"{status[0]}\t{spent[0]}\t{spent[1] * 1000:.3f}\t{environ.get('PATH_INFO', '')}\n")
    return response
