"""One module per section of the document; each public function is the operation of the same id."""

from __future__ import annotations

from simulator.pipeline.service import handlers_of
from simulator.services.cdc_python.handlers import community, distance, face, groups, msg, realauth, recommend, tags

HANDLERS = {name: fn for module in (recommend, tags, community, distance, msg, realauth, groups, face)
            for name, fn in handlers_of(module).items()}
