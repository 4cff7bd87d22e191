"""User import jobs: GetCSVHeader, CreateUserImportJob, DescribeUserImportJob,
ListUserImportJobs, StartUserImportJob, StopUserImportJob.

The CSV goes to ``PreSignedUrl`` — on this server, ``PUT /_userpool/import/<JobId>?signature=…``
(web/uploads.py) — as it would go to S3. The import runs in the background (imports/runner.py).
AWS's rules and texts are documented in imports/jobs.py and imports/csvfile.py. Error messages
here are our wording except the pool's "does not exist"; AWS declares PreconditionNotMetException
for StartUserImportJob and StopUserImportJob, which we raise for a job in the wrong state, a
missing upload, and a pool without auto-verified attributes (the developer guide: "If the user
pool has no auto-verified attributes, the import job will not start").
"""

from __future__ import annotations

from typing import Any

from userpool.domain import pagination
from userpool.domain.errors import (
    InvalidParameter,
    LimitExceeded,
    PreconditionNotMet,
    ResourceNotFound,
)
from userpool.imports import csvfile, jobs
from userpool.imports.runner import worker_for
from userpool.operations import Context, Request, Response, operation
from userpool.operations.common import require_pool
from userpool.store import Tx

UPLOAD_PATH = "/_userpool/import/"


def upload_signature(keys: Any, pool_id: str, job_id: str) -> str:
    """The ``signature`` of a job's upload URL: a keyed hash with the server key."""
    return keys.code_hash("user-import-upload", pool_id, job_id)


def _require_job(tx: Tx, pool_id: str, job_id: str, *, for_update: bool = False) -> dict[str, Any]:
    job = tx.users.get_job(pool_id, job_id, for_update=for_update)
    if job is None:
        raise ResourceNotFound(f"Import job {job_id} does not exist.")
    return job


@operation("GetCSVHeader")
def get_csv_header(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        pool = require_pool(tx, req["UserPoolId"])
    return {"UserPoolId": pool["Id"], "CSVHeader": csvfile.csv_header(pool)}


@operation("CreateUserImportJob")
def create_user_import_job(ctx: Context, req: Request) -> Response:
    assert ctx.keys is not None
    pool_id = req["UserPoolId"]
    job_id = jobs.new_job_id()
    url = (
        f"{ctx.settings.public_base(ctx.region)}{UPLOAD_PATH}{job_id}"
        f"?signature={upload_signature(ctx.keys, pool_id, job_id)}"
    )
    job = jobs.new_job(
        job_id=job_id,
        name=req["JobName"],
        pool_id=pool_id,
        role_arn=req["CloudWatchLogsRoleArn"],
        url=url,
        now=ctx.now(),
    )
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id, for_update=True)
        if tx.users.count_jobs(pool_id) >= jobs.JOB_LIMIT:
            raise LimitExceeded(f"A user pool can have at most {jobs.JOB_LIMIT} import jobs.")
        tx.users.insert_job(pool_id, job_id, job)
    return {"UserImportJob": jobs.view(job, ctx.now())}


@operation("DescribeUserImportJob")
def describe_user_import_job(ctx: Context, req: Request) -> Response:
    with ctx.store.reader() as tx:
        require_pool(tx, req["UserPoolId"])
        job = _require_job(tx, req["UserPoolId"], req["JobId"])
    return {"UserImportJob": jobs.view(job, ctx.now())}


@operation("ListUserImportJobs")
def list_user_import_jobs(ctx: Context, req: Request) -> Response:
    pool_id, limit = req["UserPoolId"], req["MaxResults"]
    after = None
    if req.get("PaginationToken"):
        position = pagination.decode(req["PaginationToken"], kind="import_job")
        created, job_id = position.get("c"), position.get("j")
        if position.get("p") != pool_id or not isinstance(job_id, str) or not isinstance(
            created, (int, float)
        ):
            raise InvalidParameter("Invalid pagination token.")
        after = (float(created), job_id)
    with ctx.store.reader() as tx:
        require_pool(tx, pool_id)
        rows, more = pagination.page(tx.users.list_jobs(pool_id, after, limit + 1), limit)
    response: Response = {"UserImportJobs": [jobs.view(job, ctx.now()) for job in rows]}
    if more:
        last = rows[-1]
        response["PaginationToken"] = pagination.encode(
            {"k": "import_job", "p": pool_id, "c": last["CreationDate"], "j": last["JobId"]}
        )
    return response


@operation("StartUserImportJob")
async def start_user_import_job(ctx: Context, req: Request) -> Response:
    pool_id, job_id = req["UserPoolId"], req["JobId"]
    with ctx.store.transaction() as tx:
        pool = require_pool(tx, pool_id)
        job = _require_job(tx, pool_id, job_id, for_update=True)
        if jobs.expired(job, ctx.now()) or job["Status"] != jobs.CREATED:
            status = jobs.view(job, ctx.now())["Status"]
            raise PreconditionNotMet(f"Import job {job_id} can't be started: it is {status}.")
        if not job.get("_Uploaded"):
            raise PreconditionNotMet(f"No CSV file has been uploaded for import job {job_id}.")
        try:
            csvfile.check_pool(pool)
        except csvfile.HeaderError as exc:
            raise PreconditionNotMet(str(exc)) from None
        job.update(Status=jobs.PENDING, StartDate=ctx.now())
        tx.users.update_job(job_id, job, None)
    worker_for(ctx.store).kick()
    return {"UserImportJob": jobs.view(job, ctx.now())}


@operation("StopUserImportJob")
async def stop_user_import_job(ctx: Context, req: Request) -> Response:
    pool_id, job_id = req["UserPoolId"], req["JobId"]
    with ctx.store.transaction() as tx:
        require_pool(tx, pool_id)
        job = _require_job(tx, pool_id, job_id, for_update=True)
        if job["Status"] == jobs.PENDING and job.get("_Runner") is None:
            jobs.finish(job, jobs.STOPPED, jobs.STOPPED_MESSAGE, ctx.now())  # never began
            tx.users.set_job_csv(job_id, None)
        elif job["Status"] in (jobs.PENDING, jobs.IN_PROGRESS):
            job["Status"] = jobs.STOPPING  # the runner stops at its next batch
        elif job["Status"] != jobs.STOPPING:
            status = jobs.view(job, ctx.now())["Status"]
            raise PreconditionNotMet(f"Import job {job_id} is not in progress: it is {status}.")
        tx.users.update_job(job_id, job, job["_Heartbeat"])
    worker_for(ctx.store).kick()
    return {"UserImportJob": jobs.view(job, ctx.now())}


def import_in_progress(tx: Tx, pool_id: str) -> bool:
    """Whether a job of the pool is Pending, InProgress or Stopping: UpdateUserPool,
    AddCustomAttributes and DeleteUserPool answer UserImportInProgressException then."""
    return bool(tx.users.jobs_in(jobs.ACTIVE, pool_id))
