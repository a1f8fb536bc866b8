"""Behaviour per operation, one module per deployment; each public function is an operation id."""

from simulator.pipeline.service import handlers_of
from simulator.services.aicp.handlers import authorize, face_api, high_availability, koala, micro, photos, statistics, user

MODULES = (face_api, statistics, authorize, micro, koala, user, high_availability, photos)

ALL = {name: fn for module in MODULES for name, fn in handlers_of(module).items()}
