"""A ``requests`` client for the CDC-Python back end (易邻邦), as a user would write it.

Every call is ``POST <path>?token=...`` with the envelope ``{id, type, subtype,
status: 0, data}``; every answer is HTTP 200 with ``{id, status, message,
data}`` where ``status`` 0 is success and anything else an error.
"""

from __future__ import annotations

import itertools
from typing import Any

import requests

DEFAULT_BASE_URL = "http://guosai.zustmanong.cn"


class CdcError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"status {status}: {message}")
        self.status, self.message = status, message


class CdcClient:
    def __init__(self, token: str | None = None, base_url: str = DEFAULT_BASE_URL,
                 session: requests.Session | None = None):
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self._ids = itertools.count(1)

    def distance(self, lat1: float, lng1: float, lat2: float, lng2: float) -> float:
        """Great-circle distance in metres (no token needed)."""
        data = self._call("/api/v2/distance/", "distance", "calc",
                          {"lat1": lat1, "lng1": lng1, "lat2": lat2, "lng2": lng2}, with_token=False)
        return data["distance"]

    def publish(self, content: str, item_id: int | None = None) -> int:
        data = {"content": content, **({"item_id": item_id} if item_id is not None else {})}
        return self._call("/api/v2/community/", "community", "publish", data)["community_id"]

    def nearby_posts(self, latitude: float, longitude: float, distance: float | None = None) -> list[dict[str, Any]]:
        data: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if distance is not None:
            data["distance"] = distance
        return self._call("/api/v2/community/", "community", "list", data)["list"]

    def send_message(self, receiver: str, title: str, content: str) -> int:
        data = {"receiver": receiver, "title": title, "content": content}
        return self._call("/api/v2/msg/", "msg", "send", data)["msg_id"]

    def unread(self) -> dict[str, Any]:
        return self._call("/api/v2/msg/", "msg", "has_new", {})

    def _call(self, path: str, type_: str, subtype: str, data: dict[str, Any], with_token: bool = True) -> Any:
        params = {"token": self.token} if with_token and self.token else None
        envelope = {"id": next(self._ids), "type": type_, "subtype": subtype, "status": 0, "data": data}
        response = self.session.post(self.base_url + path, params=params, json=envelope, timeout=10)
        response.raise_for_status()
        answer = response.json()
        if answer["status"] != 0:
            raise CdcError(answer["status"], answer["message"])
        return answer["data"]
