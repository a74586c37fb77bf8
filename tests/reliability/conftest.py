"""The reliability suites use the shared fixtures of tests/conftest.py."""
