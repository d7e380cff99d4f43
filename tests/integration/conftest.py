"""Fixtures of the integration tests: the submit tests' two sandboxes and ledger."""

from tests.integration.submit_support import start_world, world  # noqa: F401 - fixtures
