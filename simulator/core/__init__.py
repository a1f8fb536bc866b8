"""Types shared by every stage: the request and response the pipeline passes along, and errors."""

from simulator.core.errors import AuthFailure, ServiceError
from simulator.core.http import SimRequest, SimResponse

__all__ = ["AuthFailure", "ServiceError", "SimRequest", "SimResponse"]
