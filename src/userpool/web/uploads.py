"""The user import upload: ``PUT /_userpool/import/{job_id}?signature=…`` — CreateUserImportJob's
``PreSignedUrl`` — takes the CSV as S3 would (any headers, e.g. ``x-amz-server-side-encryption``,
are accepted and ignored) and answers 200 with an ``ETag``. Errors are S3's XML
(``SignatureDoesNotMatch``, ``AccessDenied`` "Request has expired", ``EntityTooLarge``).

``GET /_userpool/import/{job_id}/log?signature=…`` (same signature) is the stand-in for the job's
CloudWatch log: one line per skipped or failed row ("[FAILED] Line Number 3 - …"), at most
1,000 lines.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from userpool.crypto import ServerKey, load_server_key
from userpool.imports import csvfile, jobs
from userpool.operations.imports import upload_signature
from userpool.store import Store

_keys_cache: dict[str, ServerKey] = {}


def _keys(state: Any) -> ServerKey:
    keys = getattr(state, "keys", None)
    if keys is not None:
        return keys
    settings = state.settings
    if settings.db not in _keys_cache:
        _keys_cache[settings.db] = load_server_key(settings.db, settings.server_key, create=False)
    return _keys_cache[settings.db]


def s3_error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return Response(body, status, media_type="application/xml")


def _authorized_job(request: Request) -> tuple[dict[str, Any] | None, Response | None]:
    """(job, None) when the URL's signature is right and the job exists, else (None, error)."""
    store: Store = request.app.state.store
    job_id = request.path_params["job_id"]
    with store.reader() as tx:
        job = tx.users.get_job(None, job_id)
    given = request.query_params.get("signature", "")
    if job is None or not ServerKey.same(
        given, upload_signature(_keys(request.app.state), job["_PoolId"], job_id)
    ):
        return None, s3_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    return job, None


async def upload(request: Request) -> Response:
    """PUT the CSV file of an import job."""
    job, error = _authorized_job(request)
    if error is not None or job is None:
        return error or s3_error(403, "AccessDenied", "Access Denied")
    if time.time() >= job["_ExpiresAt"]:
        return s3_error(403, "AccessDenied", "Request has expired")
    if job["Status"] != jobs.CREATED:
        return s3_error(403, "AccessDenied", "The import job has already been started.")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > csvfile.MAX_BYTES:
            return s3_error(
                400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
            )
    body = bytes(data)
    del data
    stored = await asyncio.to_thread(_store_csv, request.app.state.store, job["JobId"], body)
    if not stored:
        return s3_error(403, "AccessDenied", "The import job has already been started.")
    etag = hashlib.md5(body, usedforsecurity=False).hexdigest()
    return Response(status_code=200, headers={"ETag": f'"{etag}"'})


def _store_csv(store: Store, job_id: str, body: bytes) -> bool:
    with store.transaction() as tx:
        job = tx.users.get_job(None, job_id, for_update=True)
        if job is None or job["Status"] != jobs.CREATED:
            return False
        tx.users.set_job_csv(job_id, body)
        job["_Uploaded"] = len(body)
        tx.users.update_job(job_id, job, job["_Heartbeat"])
    return True


async def job_log(request: Request) -> Response:
    """GET the job's log lines (skipped and failed rows, and why the job failed)."""
    job, error = _authorized_job(request)
    if error is not None or job is None:
        return error or s3_error(403, "AccessDenied", "Access Denied")
    text = "".join(line + "\n" for line in job.get("_Log", []))
    return PlainTextResponse(text)
