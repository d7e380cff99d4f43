"""Local HTTP servers that speak the KashFlow v2 and Debitura Customer API wire formats.

``http`` (the threaded JSON server, shared ``serve()``) and ``faults`` are the reusable parts.
KashFlow: ``kashflow_server`` (routes) on the seeded books of ``kashflow_data``. Debitura:
``debitura_server`` (routes) calling ``debitura_validation``, ``debitura_rules`` and
``debitura_cases``, configured by ``debitura_config``. Tables and name pools are data files in
``reference/``, read by ``reference_files``.
"""
