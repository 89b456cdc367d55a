"""The application factory: composes every domain's routes, the database plugin, auth and error handling."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from litestar import Litestar, Router
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from filings.controllers import ROUTES as FILING_ROUTES
from jobs.runtime import JobsRuntime
from registry.controllers import ROUTES as REGISTRY_ROUTES
from taxoffice import all_models
from taxoffice.accounts.controllers import ROUTES as ACCOUNT_ROUTES
from taxoffice.arrears.controllers import ROUTES as ARREARS_ROUTES
from taxoffice.auth.controllers import ROUTES as AUTH_ROUTES
from taxoffice.auth.tokens import build_jwt_auth
from taxoffice.auth.user_states import UserStates
from taxoffice.clock import utc_now
from taxoffice.config import Settings, get_settings, weak_secret_key
from taxoffice.db import create_engine, create_session_factory
from taxoffice.deps import DEPENDENCIES
from taxoffice.fastpaths import on_postgres
from taxoffice.health import health, ready
from taxoffice.jobruns.controllers import ROUTES as JOB_ROUTES
from taxoffice.logs import configure_logging
from taxoffice.mail.controllers import ROUTES as MAIL_ROUTES
from taxoffice.openapi import COMPONENTS, DocumentedOpenAPIConfig, document_problems
from taxoffice.params import OfficeRequest, check_path_ids
from taxoffice.portal.errors import pages_or_problems
from taxoffice.portal.rendering import TEMPLATE_CONFIG
from taxoffice.portal.routes import ROUTES as PORTAL_ROUTES
from taxoffice.portal.routes import swagger_ui
from taxoffice.portal.sessions import build_session_auth, csrf_config
from taxoffice.problems import EXCEPTION_HANDLERS
from taxoffice.recovery.controllers import ROUTES as RECOVERY_ROUTES
from taxoffice.reports.controllers import ROUTES as REPORT_ROUTES
from taxoffice.workdays.controllers import ROUTES as CALENDAR_ROUTES

API_PREFIX = "/api/v1"


def alchemy_config(
    engine: AsyncEngine, session_maker: Callable[[], AsyncSession] | None = None
) -> SQLAlchemyAsyncConfig:
    """The SQLAlchemy plugin's configuration: commit on 2xx and 3xx, roll back otherwise."""
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_maker=session_maker,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Pages answer a form with a redirect (303): that commits as a 2xx does.
        before_send_handler="autocommit_include_redirects",
        metadata=all_models.metadata,
        create_all=False,
    )


def sessions_bind(
    engine: AsyncEngine, session_maker: Callable[[], AsyncSession] | None
) -> AsyncEngine | AsyncConnection:
    """What the app's sessions are bound to: the engine, or the connection a caller's session maker names (tests)."""
    bind = getattr(session_maker, "kw", {}).get("bind") if session_maker is not None else None
    return bind if isinstance(bind, AsyncEngine | AsyncConnection) else engine


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    session_maker: Callable[[], AsyncSession] | None = None,
    on_startup: list[Callable[..., Any]] | None = None,
    on_shutdown: list[Callable[..., Any]] | None = None,
    clock: Callable[[], datetime.datetime] | None = None,
) -> Litestar:
    """Build the back office's ASGI app."""
    settings = settings or get_settings()
    if problem := weak_secret_key(settings):  # `taxoffice serve` says so before starting; any other server here
        raise RuntimeError(problem)
    configure_logging(json_lines=settings.log_json)
    engine = engine or create_engine(settings)
    config = alchemy_config(engine, session_maker)
    jwt_auth = build_jwt_auth(settings)
    session_auth = build_session_auth(settings)
    clock = clock or utc_now
    replica = create_engine(settings, settings.replica_url) if settings.replica_url else None
    # Requested job runs go to arq (Redis configured) or run here, with the nightly scheduler (embedded).
    jobs_runtime = JobsRuntime(settings, session_maker or create_session_factory(engine), clock=clock)
    # Users' states remembered while PostgreSQL tells this process of every change (taxoffice/auth/user_states.py).
    user_states = UserStates()
    listen = (
        [partial(user_states.start, engine.url.render_as_string(hide_password=False))] if on_postgres(engine) else []
    )
    api = Router(
        path=API_PREFIX,
        route_handlers=[
            *AUTH_ROUTES,
            *RECOVERY_ROUTES,
            *REGISTRY_ROUTES,
            *CALENDAR_ROUTES,
            *FILING_ROUTES,
            *ACCOUNT_ROUTES,
            *ARREARS_ROUTES,
            *JOB_ROUTES,
            *REPORT_ROUTES,
            *MAIL_ROUTES,
        ],
    )
    app = Litestar(
        route_handlers=[health, ready, api, *PORTAL_ROUTES],
        plugins=[SQLAlchemyPlugin(config=config)],
        dependencies=DEPENDENCIES,
        # Programs get problems; a browser asking for a page that is not there gets the portal's error page.
        exception_handlers={kind: pages_or_problems(handler) for kind, handler in EXCEPTION_HANDLERS.items()},
        before_request=check_path_ids,
        request_class=OfficeRequest,
        on_app_init=[jwt_auth.on_app_init, session_auth.on_app_init],
        csrf_config=csrf_config(settings),
        template_config=TEMPLATE_CONFIG,
        on_startup=[jobs_runtime.startup, *listen, *(on_startup or [])],
        on_shutdown=[
            *(on_shutdown or []),
            user_states.stop,
            jobs_runtime.shutdown,
            *([replica.dispose] if replica else []),
        ],
        state=State(
            {
                "settings": settings,
                "jwt_auth": jwt_auth,
                "user_states": user_states,
                "alchemy": config,
                "engine": engine,
                # What the sessions are bound to, for originals filed without a session (filings/direct.py): None
                # on SQLite.
                "direct_filing": sessions_bind(engine, session_maker) if on_postgres(engine) else None,
                # Sessions on the streaming replica (reports), or None: everything reads the primary.
                "replica": create_session_factory(replica) if replica else None,
                "clock": clock,
                "jobs": jobs_runtime,
                "job_dispatcher": jobs_runtime.dispatcher,
            }
        ),
        request_max_body_size=settings.max_body_bytes,
        openapi_config=DocumentedOpenAPIConfig(
            title="Tax office back office",
            version="1",
            path="/schema",
            render_plugins=[swagger_ui()],
            components=COMPONENTS,
            use_handler_docstrings=True,
        ),
        logging_config=None,
        debug=False,
    )
    document_problems(app, exclude_opt_key=jwt_auth.exclude_opt_key)
    return app
