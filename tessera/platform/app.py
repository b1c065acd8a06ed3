"""The Flask app factory."""

import secrets
from datetime import timedelta

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface

from tessera.designer import init_app as install_ui
from tessera.runtime import Runtime
from tessera.runtime.identity.login_policy import LoginPolicy

from . import converters, i18n, problems
from .api import create_blueprint
from .config import load_settings
from .plugins import install_catalogs, install_formula_functions, make_plugin_manager, runtime_options_of
from .security import install_security
from .event_jobs import event_options, import_options, notification_options, webhook_options
from .timer_jobs import timer_policy


def create_app(config=None, *, plugins=()):
    """Create the Tessera web app.

    ``config`` maps setting names (see ``config.SETTINGS``) to values; anything not
    given comes from ``TESSERA_*`` environment variables or the defaults. Unknown
    settings raise ConfigError. The database's system tables are created if missing.
    """
    settings = load_settings(config)
    app = TesseraFlask("tessera")
    app.config.update(settings)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or secrets.token_hex(32)
    app.json.ensure_ascii = False
    app.session_interface = SignerOnceSessionInterface()

    manager = make_plugin_manager(plugins)
    install_formula_functions(manager)
    install_catalogs(manager)
    runtime = Runtime(settings["DATABASE_URL"], engine_options=engine_options(settings),
                      timezone=settings["TIMEZONE"], fiscal_year_start_month=settings["FISCAL_YEAR_START_MONTH"],
                      login_policy=login_policy(settings), timer_policy=timer_policy(settings),
                      event_options=event_options(settings), webhook_options=webhook_options(settings),
                      import_options=import_options(settings), automation_max_depth=settings["AUTOMATION_MAX_DEPTH"],
                      notification_options=notification_options(settings),
                      **runtime_options_of(manager))
    runtime.create_schema()
    if settings["REDIS_URL"]:
        from .timer_jobs import RqTimerAnnouncer  # rq loads slowly; only a Redis set-up needs it

        from .event_jobs import RqDispatchAnnouncer

        runtime.timers.announce = RqTimerAnnouncer(settings["REDIS_URL"])
        runtime.events.announce = RqDispatchAnnouncer(settings["REDIS_URL"])
    app.extensions["tessera"] = runtime
    app.extensions["tessera.plugins"] = manager

    _install_request_scope(app, runtime)
    problems.init_app(app)
    i18n.init_app(app)
    converters.install(app)  # before any route is added: rules bind their converters when added
    app.register_blueprint(create_blueprint())
    manager.hook.tessera_register_routes(app=app)
    install_ui(app)
    install_security(app, runtime)
    manager.hook.tessera_startup(app=app)
    return app


def engine_options(settings):
    """SQLAlchemy engine options from the database settings."""
    return {"echo": settings["SQL_ECHO"], "pool_size": settings["DATABASE_POOL_SIZE"],
            "pool_timeout": settings["DATABASE_POOL_TIMEOUT"]}


def login_policy(settings):
    """The runtime's LoginPolicy from the login and session settings."""
    return LoginPolicy(failures_per_user=settings["LOGIN_MAX_FAILURES"],
                       failures_per_address=settings["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                       failure_window=timedelta(seconds=settings["LOGIN_FAILURE_WINDOW"]),
                       session_lifetime=timedelta(seconds=settings["SESSION_LIFETIME"]),
                       session_idle_timeout=timedelta(seconds=settings["SESSION_IDLE_TIMEOUT"]))


#: How many views and hooks TesseraFlask remembers; far more than an app registers.
MAX_KNOWN_FUNCTIONS = 4096


class TesseraFlask(Flask):
    """Flask, deciding once per view or hook whether it is a coroutine function, where Flask
    asks again on every request."""

    def ensure_sync(self, func):
        known = self.__dict__.setdefault("_tessera_sync", {})
        found = known.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(known) < MAX_KNOWN_FUNCTIONS:  # views and hooks are registered once; never grow without bound
                known[func] = found
        return found


class SignerOnceSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session (for plugins; Tessera's own sessions live in a table),
    with its signer built once per app instead of on every request."""

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ:  # nothing signed to check: an empty session
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app):
        signer = app.extensions.get("tessera.session_signer")
        if signer is None:
            signer = app.extensions["tessera.session_signer"] = super().get_signing_serializer(app)
        return signer


def _install_request_scope(app, runtime):
    """Read the published revision once per request, however many services ask for it."""

    @app.before_request
    def open_scope():
        scope = runtime.request_scope()
        scope.__enter__()
        g.tessera_scope = scope

    @app.teardown_request
    def close_scope(_error):
        scope = g.pop("tessera_scope", None)
        if scope is not None:
            scope.__exit__(None, None, None)
