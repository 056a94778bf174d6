"""gunicorn's settings for the web server (read from the working directory: the Dockerfile,
docker-compose and the load test in `make bench` all start gunicorn here).

Threads let a worker answer quick pages while another request waits on the database, so one
slow page never queues the rest; a request the database has not answered within the
statement timeout is cancelled (``CME_PROCESS=web``: see the production settings) well before
gunicorn's own timeout would kill the worker.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30  # seconds a worker may be silent before it is restarted
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # a worker is replaced now and then, so no slow leak lasts
max_requests_jitter = 200
forwarded_allow_ips = "*"  # behind the council's TLS-terminating proxy
raw_env = ["CME_PROCESS=web"]
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# The access log leaves out query strings: a search for a child's name must not be logged.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'
