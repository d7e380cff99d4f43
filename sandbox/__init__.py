"""Local HTTP servers that speak the KashFlow v2 (and later Debitura) wire formats.

Standard library only. ``sandbox.http`` and ``sandbox.faults`` are the reusable parts;
``sandbox.kashflow_server`` and ``sandbox.kashflow_data`` are the KashFlow sandbox.
"""
