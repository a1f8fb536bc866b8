"""Only what pyproject.toml cannot say: ship the top-level contracts/ and fixtures/ inside the package."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["simulator", "simulator.*"]) + ["simulator.contracts_data", "simulator.fixtures_data"],
    package_dir={"simulator.contracts_data": "contracts", "simulator.fixtures_data": "fixtures"},
)
