"""Wiring: the ASGI application built from settings. The only place concrete pieces meet."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from userpool import operations
from userpool.config import Settings
from userpool.crypto import PasswordKdf, load_server_key
from userpool.domain.errors import CognitoError
from userpool.imports import runner as import_runner
from userpool.messaging.senders import senders_from_settings
from userpool.operations.delivery import Postman
from userpool.protocol import cors, sigv4
from userpool.protocol.endpoint import Endpoint, Receive, Scope, Send
from userpool.store import Store
from userpool.store.engine import make_engine
from userpool.triggers.invoke_api import invoke_endpoint
from userpool.triggers.invoker import Invoker
from userpool.web import uploads
from userpool.web.confirm import confirm_user_page
from userpool.web.outbox import messages_page
from userpool.web.wellknown import jwks_page, openid_configuration_page

log = logging.getLogger("userpool")

SETTINGS_ENV = "USERPOOL_SETTINGS_JSON"


def build_app(settings: Settings) -> ASGIApp:
    store = Store(make_engine(settings.db))
    email, sms = senders_from_settings(
        smtp_host=settings.smtp_host,
        smtp_port=settings.smtp_port,
        smtp_username=settings.smtp_username,
        smtp_password=settings.smtp_password,
        smtp_tls=settings.smtp_tls,  # type: ignore[arg-type]
        sms_mode=settings.sms_sender,  # type: ignore[arg-type]
        sms_webhook_url=settings.sms_webhook_url,
        sns_endpoint_url=settings.sns_endpoint,
        sns_region=settings.region,
    )
    triggers = Invoker(settings)
    endpoint = Endpoint(
        store,
        settings,
        operations.load(),
        keys=load_server_key(settings.db, settings.server_key, create=False),
        kdf=PasswordKdf(settings.kdf_memory_kib, settings.kdf_time_cost, settings.kdf_parallelism),
        postman=Postman(store, email, sms),
        triggers=triggers,
    )

    async def health(_request: Request) -> Response:
        try:
            store.healthy()
        except Exception as exc:  # the store is down: say so, don't crash
            return JSONResponse({"status": "unavailable", "store": type(exc).__name__}, 503)
        return JSONResponse({"status": "ok", "store": store.engine.dialect.name})

    async def reset(_request: Request) -> Response:
        if not settings.open_mode:
            return JSONResponse(
                {
                    "__type": "AccessDeniedException",
                    "message": "Reset is disabled when credentials are configured",
                },
                403,
            )
        with store.transaction() as tx:
            tx.wipe()
        return JSONResponse({"status": "reset"})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await import_runner.startup(store)  # resume import jobs a dead process left behind
        yield
        await import_runner.shutdown(store)
        await triggers.close()
        store.dispose()

    routes = [
        Route("/health", health, methods=["GET"]),
        Route("/_userpool/reset", reset, methods=["POST"]),
        Route("/moto-api/reset", reset, methods=["POST"]),
        Route("/_userpool/messages", messages_page, methods=["GET"]),
        Route("/confirmUser", confirm_user_page, methods=["GET"]),
        Route("/confirmUser/", confirm_user_page, methods=["GET"]),
        Route("/_userpool/import/{job_id}", uploads.upload, methods=["PUT"]),
        Route("/_userpool/import/{job_id}/log", uploads.job_log, methods=["GET"]),
        Route("/{path:path}", cors.preflight, methods=["OPTIONS"]),
        Route("/{pool_id}/.well-known/jwks.json", jwks_page, methods=["GET"]),
        Route(
            "/{pool_id}/.well-known/openid-configuration",
            openid_configuration_page,
            methods=["GET"],
        ),
    ]
    if triggers.runtime is not None:  # the built-in runtime also serves the Lambda Invoke API
        routes.insert(
            0,
            Route(
                "/2015-03-31/functions/{name}/invocations",
                _signed(settings, invoke_endpoint(triggers.runtime)),
                methods=["POST"],
            ),
        )
    pages = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    pages.state.store = store
    pages.state.settings = settings
    pages.state.keys = endpoint.keys
    pages.state.triggers = triggers

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        """``POST /`` (every API operation) goes straight to the endpoint; the rest is routed."""
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/":
            await endpoint(scope, receive, send)
        else:
            await pages(scope, receive, send)

    return app


def _signed(
    settings: Settings, endpoint: Callable[[Request], Awaitable[Response]]
) -> Callable[[Request], Awaitable[Response]]:
    """The Invoke API runs code: with credentials configured it wants Lambda's SigV4 (signed
    with one of those keys), as the cognito-idp API does."""
    if settings.open_mode:
        return endpoint

    async def checked(request: Request) -> Response:
        body = await request.body()
        try:
            sigv4.verify(
                request.method,
                request.scope.get("raw_path", b"/").decode("latin-1"),
                request.scope.get("query_string", b"").decode("latin-1"),
                request.headers,
                body,
                settings.credential_pairs,
                service="lambda",
            )
        except CognitoError as exc:
            return JSONResponse(
                {"Type": "User", "message": exc.message},
                exc.status,
                headers={"x-amzn-ErrorType": exc.code},
            )
        return await endpoint(request)

    return checked


async def _http_error(_request: Request, exc: Exception) -> Response:
    """Unknown paths and methods get a JSON answer too (never a bare text page)."""
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"__type": "UnknownOperationException", "message": exc.detail},
        exc.status_code,
        headers=cors.RESPONSE_HEADERS,
    )


def create_app() -> ASGIApp:
    """Factory for uvicorn worker processes: settings arrive serialized in the environment."""
    return build_app(Settings.from_env(os.environ[SETTINGS_ENV]))
