"""Test-side tools: the pytest plugin, a live server wrapper and the in-process respx route."""
