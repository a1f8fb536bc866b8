"""Behaviour per operation, one module per deployment; each public function is an operation id."""

from simulator.services import handlers_of

MODULES: list = []

ALL = {name: fn for module in MODULES for name, fn in handlers_of(module).items()}
