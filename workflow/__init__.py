"""Orchestration shared by the pages and the CLI: connect, import, submit."""
