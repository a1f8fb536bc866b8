"""An async httpx client for the Aliyun Dataplus (数加) face API, as a user would write it.

It signs each request the way the document's demo does (``Authorization:
Dataplus <ak_id>:<base64 HMAC-SHA1>`` over method, Accept, body MD5,
Content-Type, Date and path), reads ``errno``/``err_msg`` from the face
service and ``X-Ca-Error-Message`` from the API gateway.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

DEFAULT_ENDPOINT = "https://dtplus-cn-shanghai.data.aliyuncs.com"


class FaceApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.status, self.code, self.message = status, code, message


@dataclass
class Comparison:
    confidence: float
    thresholds: list[float]

    @property
    def same_person(self) -> bool:
        """Above the 1e-4 false-accept threshold, the document's recommended cut."""
        return self.confidence >= self.thresholds[1]


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class DataplusFaceClient:
    def __init__(self, ak_id: str, ak_secret: str, *, endpoint: str = DEFAULT_ENDPOINT,
                 clock: Callable[[], datetime] = _utc_now, http: httpx.AsyncClient | None = None):
        self.ak_id, self.ak_secret = ak_id, ak_secret
        self.endpoint = endpoint.rstrip("/")
        self.clock = clock
        self.http = http or httpx.AsyncClient(timeout=10)

    async def detect(self, image: bytes) -> list[list[int]]:
        """Face rectangles ``[x, y, w, h]``, one per face."""
        answer = await self._post("/face/detect", {"type": 1, "content": base64.b64encode(image).decode()})
        rects = answer["face_rect"]
        return [rects[i:i + 4] for i in range(0, len(rects), 4)]

    async def compare(self, first: bytes, second: bytes) -> Comparison:
        answer = await self._post("/face/verify", {"type": 1, "content_1": base64.b64encode(first).decode(),
                                                   "content_2": base64.b64encode(second).decode()})
        return Comparison(confidence=answer["confidence"], thresholds=answer["thresholds"])

    async def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload).encode()
        full_path = urlsplit(self.endpoint).path + path
        response = await self.http.post(self.endpoint + path, content=body, headers=self._sign(full_path, body))
        if response.status_code != 200 or not response.content:  # the API gateway refused it
            message = response.headers.get("X-Ca-Error-Message", response.text)
            raise FaceApiError(response.status_code, message.split(",")[0], message)
        answer = response.json()
        if answer.get("errno", 0) != 0:
            raise FaceApiError(response.status_code, str(answer["errno"]), answer.get("err_msg", ""))
        return answer

    def _sign(self, path: str, body: bytes) -> dict[str, str]:
        date = format_datetime(self.clock().astimezone(timezone.utc), usegmt=True)
        accept = content_type = "application/json"
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode() if body else ""
        to_sign = "\n".join(["POST", accept, md5, content_type, date, path])
        digest = hmac.new(self.ak_secret.encode(), to_sign.encode(), hashlib.sha1).digest()
        return {"Accept": accept, "Content-Type": content_type, "Date": date,
                "Authorization": f"Dataplus {self.ak_id}:{base64.b64encode(digest).decode()}"}
