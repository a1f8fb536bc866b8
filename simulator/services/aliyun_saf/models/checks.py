"""What init/initH5/match check in the caller's parameters, each failure a documented code.

The limits (devices, minimum OS and SDK versions) are the contract's
``x-behaviour``; the resident ID rules are GB 11643's (region, birth date,
check digit).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from simulator.core import ServiceError
from simulator.core.http import loads as load_json
from simulator.fake.entities.checks import identity_problems

_VERSION_PART = re.compile(r"\d+")


def require_identity(params: dict[str, Any], *, empty_code: str, today: datetime) -> tuple[str, str]:
    """``(name, certNumber)``; ``empty_code`` when either is empty; 520 (用户身份信息无效) when they are no
    identity a real-name check accepts: the number no valid resident ID of someone born by ``today``
    (the simulator clock), or the name not one an ID card carries (simulator.fake.entities.checks)."""
    for field in ("name", "certNumber"):
        value = params.get(field)
        if not isinstance(value, str) or not value.strip():
            reason = f"{field}不能为空"
            raise ServiceError(empty_code, None if empty_code == "init.400" else reason,
                               data={"unified_message": reason})
    name, cert_number = params["name"].strip(), params["certNumber"].strip()
    if not cert_number.isascii():  # "１２３" full-width digits are no ID
        raise ServiceError("520", detail="certNumber has characters other than ASCII digits and X")
    problems = identity_problems(name, cert_number.upper(), today)
    if problems:
        raise ServiceError("520", detail="; ".join(problems))
    return name, cert_number.upper()


def check_metainfo(text: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The client SDK's metainfo: a JSON object naming a supported device, OS and SDK version."""
    try:
        meta = load_json(text) if isinstance(text, str) else None
    except ValueError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("deviceType"), str):
        raise ServiceError("510", data={"unified_message": "metainfo不合法"})
    device = meta["deviceType"].strip().lower()
    if device not in settings.get("supported_devices", ()):
        raise ServiceError("Z1108")
    minimum_os = (settings.get("min_os_version") or {}).get(device)
    if minimum_os and "osVersion" in meta and version_tuple(meta["osVersion"]) < version_tuple(minimum_os):
        raise ServiceError("Z1109")
    minimum_sdk = settings.get("min_sdk_version")
    if minimum_sdk and "zimVer" in meta and version_tuple(meta["zimVer"]) < version_tuple(minimum_sdk):
        raise ServiceError("Z1110")
    return meta


def version_tuple(text: Any) -> tuple[int, ...]:
    """"10.3.1" → (10, 3, 1); text without digits is version 0."""
    return tuple(int(part) for part in _VERSION_PART.findall(str(text))) or (0,)


def wants_image(value: Any) -> bool:
    """returnImage: the document shows "1" or 1."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true")
