"""Cron specs of hibernation schedules as admission checks them; the parsing lives in :mod:`garden.api.cron`
(shared with the hibernation controller)."""

from __future__ import annotations

from garden.api.cron import cron_problem

__all__ = ["cron_problem"]
