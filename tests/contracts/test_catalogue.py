"""The error catalogue rendered as the Markdown table the service pages carry."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.contracts import contracts_dir, load_contract
from simulator.contracts.catalogue import BEGIN, END, code_span, code_table, prose, with_code_table

CDC = load_contract(contracts_dir() / "cdc-python")
PAGE = f"# CDC\n\nintro\n\n<!-- codes:begin -->\nstale | row\n{END}\n\nafter\n"


def test_every_code_gets_one_row_with_its_status_message_and_trigger():
    rows = code_table(CDC).splitlines()[2:]
    assert len(rows) == len(CDC.errors)
    assert "| `community_update.101` | 200 | `Error item id` | 错误的item id: item_id names no item" in "\n".join(rows)


def test_a_forced_only_code_says_it_is_fault_only_and_why():
    row = next(r for r in code_table(CDC).splitlines() if r.startswith("| `-200` |"))
    assert "fault-only (`X-Apisim-Code` or a fault): 数据库操作失败" in row


def test_cells_keep_pipes_backticks_and_angle_brackets_readable():
    assert code_span("Invalid AppCode `not exists`") == "`` Invalid AppCode `not exists` ``"
    assert code_span("a|b") == "`a\\|b`"
    assert prose("one <ak_id>:<signature> `<kept>`\nline | x") == "one \\<ak_id>:\\<signature> `<kept>` line \\| x"


def test_the_table_replaces_what_is_between_the_markers_and_nothing_else():
    page = with_code_table(PAGE, CDC)
    assert page.startswith("# CDC\n\nintro\n\n" + BEGIN + "\n| code |")
    assert page.endswith(f"|\n{END}\n\nafter\n") and "stale" not in page
    assert with_code_table(page, CDC) == page


@pytest.mark.parametrize("page", ["no markers", f"{END}\n<!-- codes:begin -->\n", f"<!-- codes:begin -->{END}\n",
                                  f"<!-- codes:begin -->\n{END}\n<!-- codes:begin -->\n{END}\n"])
def test_a_page_without_one_pair_of_markers_is_refused_by_name(page):
    with pytest.raises(ValueError, match="^cdc.md: (.*cdc-python's code table goes|the code table's markers must be on lines of their own)"):
        with_code_table(page, CDC, "cdc.md")


def test_apisim_contracts_codes_prints_the_tables_and_rewrites_the_pages(tmp_path: Path, capsys):
    assert main(["contracts", "--codes", "--service", "cdc-python"]) == 0
    out = capsys.readouterr().out
    assert "cdc-python: 67 codes," in out and "| `face_verify.102` | 200 |" in out
    (tmp_path / "cdc-python.md").write_text(PAGE, "utf-8")
    assert main(["contracts", "--codes", "--service", "cdc-python", "--write-docs", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("cdc-python.md: updated")
    assert (tmp_path / "cdc-python.md").read_text("utf-8") == with_code_table(PAGE, CDC)
    assert main(["contracts", "--codes", "--service", "cdc-python", "--write-docs", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("cdc-python.md: up to date")


def test_write_docs_changes_no_page_when_one_is_missing(tmp_path: Path, capsys):
    (tmp_path / "aicp.md").write_text(PAGE, "utf-8")
    assert main(["contracts", "--codes", "--write-docs", str(tmp_path)]) == 2
    assert ".md: no such page" in capsys.readouterr().err
    assert (tmp_path / "aicp.md").read_text("utf-8") == PAGE
    assert main(["contracts", "--write-docs", str(tmp_path)]) == 2
