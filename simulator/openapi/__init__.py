"""OpenAPI 3.1 export of the contracts (``apisim export openapi``), one document per deployment."""

from simulator.openapi.export import local_origin, openapi_document

__all__ = ["local_origin", "openapi_document"]
