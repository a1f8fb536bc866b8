"""apisim: a contract-driven offline simulator of vendor HTTP APIs.

The package is laid out like the request pipeline it implements:

- ``simulator.contracts``: load and check the JSON contracts (``contracts/``).
- ``simulator.pipeline``: match, authenticate, validate, behave, render.
- ``simulator.auth``: one module per vendor auth scheme, each with sign and verify.
- ``simulator.services``: one package per service: handlers, envelopes, models.
- ``simulator.fake``: deterministic fake data from JSON Schema (Faker, zh_CN).
- ``simulator.imaging`` / ``simulator.faces``: image decoding and the face model.
- ``simulator.store``: where state lives (journal, nonces, service records).
- ``simulator.app`` / ``simulator.server`` / ``simulator.cli``: serving it.
"""

__version__ = "0.1.0"
