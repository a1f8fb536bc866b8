"""``apisim serve --contracts-dir DIR [--with-shipped]`` and the config file's ``contracts_dir``: an
imported contract served instead of, or beside, the shipped ones."""

from __future__ import annotations

import argparse

import pytest

from simulator import Simulator
from simulator.cli import main
from simulator.config import SimulatorConfig
from simulator.contracts import load_contracts
from simulator.control.config_file import apply_serve_options
from simulator.startup import check_serve_config


def _args(**given) -> argparse.Namespace:
    return argparse.Namespace(**{"config": None, "contracts_dir": None, "with_shipped": None, **given})


def test_a_contracts_dir_is_served_instead_of_the_shipped_ones_or_beside_them(pets_dir):
    assert list(load_contracts(str(pets_dir))) == ["pet-store"]
    both = load_contracts(str(pets_dir), with_shipped=True)
    assert "pet-store" in both and "huawei-ocr" in both and len(both) == 6
    sim = Simulator(SimulatorConfig(contracts_dir=str(pets_dir), with_shipped=True, services=["pet-store", "huawei-ocr"]))
    assert set(sim.services) == {"pet-store", "huawei-ocr"}


def test_the_config_files_contracts_dir_is_read_relative_to_the_file(pets_dir, tmp_path):
    config_file = pets_dir.parent / "apisim.toml"
    config_file.write_text('contracts_dir = "contracts"\nwith_shipped = true\n', "utf-8")
    config = apply_serve_options(SimulatorConfig(), _args(config=str(config_file)))
    assert (config.contracts_dir, config.with_shipped) == (str(pets_dir.resolve()), True)
    served = check_serve_config(config)  # ports, credentials: the import's port block is its own
    assert {"pet-store", "aicp"} <= set(served)
    override = apply_serve_options(SimulatorConfig(), _args(config=str(config_file), contracts_dir=str(tmp_path)))
    assert override.contracts_dir == str(tmp_path)  # the command line wins


def test_with_shipped_without_a_contracts_dir_is_a_one_line_usage_error(capsys):
    assert main(["serve", "--with-shipped", "--server", "dev"]) == 2
    assert "give one" in capsys.readouterr().err


@pytest.mark.parametrize("text", ['contracts_dir = 3\n', 'with_shipped = "yes"\n'])
def test_a_config_file_with_a_bad_contracts_setting_is_refused(tmp_path, text, capsys):
    config_file = tmp_path / "apisim.toml"
    config_file.write_text(text, "utf-8")
    assert main(["serve", "--config", str(config_file), "--server", "dev"]) == 2
    assert str(config_file) in capsys.readouterr().err
