"""gunicorn settings for a web node: `gunicorn -c docker/gunicorn.conf.py "review_service:create_app()"`.

Every value comes from review_service/config.py (environment variables documented in the README).
The application logs one access line per request itself, so gunicorn's access log is off and its
own error log goes through the service's one log handler (JSON under REVIEW_LOG_FORMAT=json).
Request metrics are summed over the worker processes through PROMETHEUS_MULTIPROC_DIR, which must be
set before gunicorn starts (the image's entry point and bench/multi_node.py create and empty it).
"""
from review_service.config import Config
from review_service.observability.logs import logging_config

bind = Config.WEB_BIND
workers = Config.WEB_WORKERS
threads = Config.WEB_THREADS
worker_class = "gthread"
timeout = Config.WEB_TIMEOUT_SECONDS
graceful_timeout = 30
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = Config.LOG_LEVEL.lower()
preload_app = False  # each worker opens its own database connections after the fork
# gunicorn's control socket (gunicornc) would live in $HOME/.gunicorn; a container is controlled by its
# orchestrator (stop/restart), and the service user has no writable home.
control_socket_disable = True

# the service's own log handler (review_service/observability/logs.py): one line per event, JSON or text
logconfig_dict = logging_config(Config.LOG_FORMAT, Config.LOG_LEVEL)


def child_exit(_server, worker):
    """A worker process ended: drop its live gauges from the multiprocess metrics files."""
    if Config.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
