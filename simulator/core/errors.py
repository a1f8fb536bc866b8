"""Exceptions that travel through the pipeline and end as a documented error."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A documented error of the service: ``code`` is a key of the contract's catalogue.

    ``message`` replaces the catalogue's message in the body (where the document
    shows a specific wording); ``detail`` explains the failure to the developer
    (the JSON path that broke, say) and travels in the ``X-Apisim-Detail``
    header, so the body keeps the vendor's exact wording; ``data`` carries
    extra envelope fields a service needs.

    ``stage`` names the pipeline stage that refused the request (``match``, ``forced``, ``auth``,
    ``validation``, ``fault``, ``rate_limit``); the stage that raises the error sets it, so nothing
    has to guess afterwards. A handler leaves it unset: its errors are the ``behaviour`` stage's.
    """

    def __init__(self, code: str, message: str | None = None, *, detail: str | None = None, data: Any = None,
                 headers: dict[str, str] | None = None, stage: str | None = None):
        super().__init__(f"{code}: {message or detail or ''}")
        self.code = str(code)
        self.message = message
        self.detail = detail
        self.data = data
        self.headers = headers or {}
        self.stage = stage


class AuthFailure(Exception):
    """An auth scheme refused the request.

    ``kind`` is scheme-neutral (see ``simulator.auth.KINDS``); the contract maps
    each kind to the service's own documented code, so the same scheme code
    serves every service that uses it.
    """

    def __init__(self, kind: str, detail: str = "", *, message: str | None = None):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.message = message


class ContractError(Exception):
    """A contract file is broken; the message names the file and the JSON path."""


class UsageError(ValueError):
    """The command line or a file it names asks for something apisim cannot do: the message is one
    line saying what to change (``apisim`` prints it without a traceback and exits 2)."""
