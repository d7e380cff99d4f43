"""JSON as the remote APIs speak it: exact decimals both ways, tolerant case-insensitive reads.

Standard library only, shared by the KashFlow and Debitura clients and the sandboxes.
"""
