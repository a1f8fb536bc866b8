"""OpenAPI 3.0/3.1 documents as apisim contracts (``apisim contract import openapi``)."""

from simulator.authoring.openapi.importer import Imported, import_openapi
from simulator.authoring.openapi.load import ImportProblem

__all__ = ["ImportProblem", "Imported", "import_openapi"]
