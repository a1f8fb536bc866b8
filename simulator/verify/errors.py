"""What ``apisim verify`` cannot do with a contract, said so the run can skip it with the reason."""


class GenerationUnsupported(Exception):
    """A request schema uses something :mod:`simulator.verify.strategies` does not generate from."""
