"""Deterministic fake data: Faker (zh_CN) driven by JSON Schema and ``x-faker`` hints."""

from simulator.fake.generator import FakeData, request_seed
from simulator.fake.providers import PROVIDERS

__all__ = ["FakeData", "PROVIDERS", "request_seed"]
