"""The apisim pytest plugin (registered through the ``pytest11`` entry point)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "apisim(service=None, seed=None, error=None): configure the apisim fixtures for one test")
