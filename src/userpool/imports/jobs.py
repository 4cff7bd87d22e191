"""User import jobs as documents (UserImportJobType plus private keys), and their rules.

Statuses ([DG:cognito-user-pools-creating-import-job]): Created → (StartUserImportJob) Pending
→ InProgress → Succeeded | Failed; StopUserImportJob: Pending/InProgress → Stopping → Stopped;
Created and not started within a day → Expired. "Only one import job can be active at a time per
account": a started job waits in Pending while another one is active.

CompletionMessage texts: "The Import Job was stopped by the developer." and "Too many users have
failed or been skipped during the import." are AWS's (the developer guide's samples, and
[GH:aws-solutions/cognito-user-profiles-export-reference-architecture#9], which shows a job of
14 imported and 32 failed users Failed with it). AWS doesn't document where "too many" starts:
we fail a job when more than half of its rows failed or were skipped. The other messages are
our wording.

Private keys: ``_Position`` (CSV records done), ``_Runner`` (the claiming process's token),
``_Log`` (the first `LOG_LIMIT` non-success lines), ``_Uploaded`` (bytes of the uploaded file),
``_ExpiresAt``; ``_PoolId`` and ``_Heartbeat`` are filled in by the store on reads.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

CREATED, PENDING, IN_PROGRESS = "Created", "Pending", "InProgress"
STOPPING, STOPPED, EXPIRED = "Stopping", "Stopped", "Expired"
FAILED, SUCCEEDED = "Failed", "Succeeded"
ACTIVE = (PENDING, IN_PROGRESS, STOPPING)
FINISHED = (STOPPED, EXPIRED, FAILED, SUCCEEDED)

UPLOAD_VALIDITY = 24 * 3600  # the pre-signed URL, and the time a Created job may wait
LOG_LIMIT = 1000
JOB_LIMIT = 1000  # [DG:quotas] "User import: 1,000 jobs"

STOPPED_MESSAGE = "The Import Job was stopped by the developer."
TOO_MANY_FAILED = "Too many users have failed or been skipped during the import."
SUCCEEDED_MESSAGE = "Import Job Completed Successfully."
EXPIRED_MESSAGE = "The Import Job expired before it was started."
UNPARSABLE = "Unable to parse the CSV file."
TOO_MANY_ROWS = "The CSV file has more than 500,000 users."

_ALNUM = string.ascii_letters + string.digits


def new_job_id() -> str:
    """``import-TZqNQvDRnW``: the model's pattern ``import-[0-9a-zA-Z-]+``, AWS's length."""
    return "import-" + "".join(secrets.choice(_ALNUM) for _ in range(10))


def new_job(
    *, job_id: str, name: str, pool_id: str, role_arn: str, url: str, now: float
) -> dict[str, Any]:
    return {
        "JobName": name,
        "JobId": job_id,
        "UserPoolId": pool_id,
        "PreSignedUrl": url,
        "CreationDate": now,
        "Status": CREATED,
        "CloudWatchLogsRoleArn": role_arn,
        "ImportedUsers": 0,
        "SkippedUsers": 0,
        "FailedUsers": 0,
        "_Position": 0,
        "_Log": [],
        "_ExpiresAt": now + UPLOAD_VALIDITY,
    }


def expired(job: dict[str, Any], now: float) -> bool:
    """A Created job whose upload window has passed (it can no longer be started)."""
    return job["Status"] == CREATED and now >= job["_ExpiresAt"]


def view(job: dict[str, Any], now: float) -> dict[str, Any]:
    """UserImportJobType: the public keys; an expired Created job shows as Expired."""
    public = {k: v for k, v in job.items() if not k.startswith("_") and v is not None}
    if expired(job, now):
        public["Status"] = EXPIRED
        public["CompletionMessage"] = EXPIRED_MESSAGE
    return public


def outcome(job: dict[str, Any]) -> tuple[str, str]:
    """(Status, CompletionMessage) of a job that read its whole file."""
    done = job["ImportedUsers"] + job["SkippedUsers"] + job["FailedUsers"]
    if done and (job["SkippedUsers"] + job["FailedUsers"]) * 2 > done:
        return FAILED, TOO_MANY_FAILED
    return SUCCEEDED, SUCCEEDED_MESSAGE


def finish(job: dict[str, Any], status: str, message: str, now: float) -> dict[str, Any]:
    job.update(Status=status, CompletionMessage=message[:128], CompletionDate=now, _Runner=None)
    return job


def add_log(job: dict[str, Any], lines: list[str]) -> None:
    room = LOG_LIMIT - len(job["_Log"])
    if room > 0:
        job["_Log"].extend(lines[:room])
