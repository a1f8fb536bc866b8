"""Behaviour of each Huawei OCR operation (the function name is the contract's operation id)."""

from __future__ import annotations

from typing import Any

from simulator.auth.huawei_token import issue_token, token_body
from simulator.core import ServiceError
from simulator.pipeline.context import Context
from simulator.pipeline.service import Reply
from simulator.services.huawei_ocr import models


def recognize_quota_invoice(ctx: Context) -> dict[str, Any]:
    models.check_flow_control(ctx)
    models.check_account(ctx)
    return {"result": models.invoice_result(models.image_from_request(ctx))}


def create_token(ctx: Context) -> Reply:
    user = ctx.body["auth"]["identity"]["password"]["user"]
    credential = next(
        (c for c in ctx.credentials()
         if c.get("user") == user["name"] and c.get("password") == user["password"]
         and c.get("domain") == user["domain"]["name"]),
        None,
    )
    if credential is None:
        raise ServiceError("IAM.0004")
    project = ((ctx.body["auth"].get("scope") or {}).get("project") or {})
    project_name = project.get("name") or credential.get("project")
    if project_name != credential.get("project") and project.get("id") != credential.get("project_id"):
        raise ServiceError("IAM.0011", detail=f"the user has no project {project_name or project.get('id')!r}")
    now = ctx.clock()
    token, record = issue_token(ctx.store, credential, credential["project"], now, ctx.config.seed, ctx.seq)
    # The catalog points at this simulator's own deployments: a client that follows it stays on loopback.
    catalog = [] if ctx.request.query_dict.get("nocatalog") else [
        ("iam" if dep.name == "iam" else "ocr", "iam" if dep.name == "iam" else "ocr",
         ctx.runtime.local_url(dep) + ("/v3" if dep.name == "iam" else ""))
        for dep in ctx.contract.deployments]
    return Reply(body={"token": token_body(record, credential, ctx.config.seed, catalog)},
                 headers={"X-Subject-Token": token})


def list_projects(ctx: Context) -> dict[str, Any]:
    name = ctx.request.query_dict.get("name")
    credential = models.credential_of(ctx)
    projects = [{"id": credential.get("project_id"), "name": credential.get("project"), "enabled": True}]
    return {"projects": [p for p in projects if name in (None, p["name"])],
            "links": {"self": ctx.request.path}}
