"""Find the data shipped inside the package (contracts/ and fixtures/ of the repo)."""

from __future__ import annotations

import importlib
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir(package: str, repo_folder: str) -> Path:
    """The folder of a data package (``simulator.contracts_data``), or the repo's folder when not installed.

    The data packages have no ``__init__.py`` (they are plain folders of JSON and
    images), so they import as namespace packages: take their first path.
    """
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError:
        return _REPO_ROOT / repo_folder
    for entry in getattr(module, "__path__", []):
        return Path(entry)
    return _REPO_ROOT / repo_folder
