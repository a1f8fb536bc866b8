"""Contract coverage: which documented operations and outcomes did the traffic exercise?

Computed from the contracts and the journal (``compute``), as one of three measures over the
project's operations, listed or called (``scope``), shown as a terminal table
(``terminal``), a static HTML report and JSON (``html``, ``CoverageReport.to_dict``), in pytest
(``simulator.testing.coverage_plugin``, a ``pytest11`` entry point, next to the fixtures' plugin),
by ``apisim report`` (``cli``) and on the live
dashboard at ``/__apisim/`` (``dashboard``). See docs/coverage.md.

    from simulator.coverage import CoverageData, compute, format_table
    data = CoverageData().add_all(simulator.journal.entries())
    print(format_table(compute(simulator.contracts, data, measure="outcomes"), missing=True))
"""

from simulator.coverage.compute import CoverageReport, ServiceCoverage, compute
from simulator.coverage.data import CoverageData, read_journal
from simulator.coverage.terminal import format_table
from simulator.coverage.tracker import CoverageTracker

__all__ = ["CoverageData", "CoverageReport", "CoverageTracker", "ServiceCoverage", "compute",
           "format_table", "read_journal"]
