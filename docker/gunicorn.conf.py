"""gunicorn settings for a web node: `gunicorn -c docker/gunicorn.conf.py "review_service:create_app()"`.

Every value comes from review_service/config.py (environment variables documented in the README).
The application logs one JSON access line per request itself, so gunicorn's access log is off and
its own error log goes through the same JSON formatter. Request metrics are summed over the worker
processes through PROMETHEUS_MULTIPROC_DIR, which must be set before gunicorn starts (the image's
entry point and bench/multi_node.py create and empty it).
"""
from review_service.config import Config

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

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"service": {"()": "review_service.observability.logs.JsonFormatter"}
                   if Config.LOG_FORMAT == "json" else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "service", "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": Config.LOG_LEVEL.upper(), "propagate": False}},
}


def child_exit(_server, worker):
    """A worker process ended: drop its live gauges from the multiprocess metrics files."""
    if Config.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
