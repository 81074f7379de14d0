"""Operations: JSON logs with request id/user/case, request metrics, GET /metrics, readiness checks."""
from flask import Flask

from .logs import configure_logging
from .requests import register_request_hooks


def init_app(app: Flask) -> None:
    """Wire logging, the per-request hooks and the /metrics endpoint into the app."""
    from .metrics import blp as metrics_blp
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    register_request_hooks(app)
    app.register_blueprint(metrics_blp)
