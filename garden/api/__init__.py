"""Gardener's API as typed models (pydantic v2): one module per kind, camelCase wire names as Gardener's.

This package performs no I/O and imports nothing else of ours, so every other layer may use it.
"""
