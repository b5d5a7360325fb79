"""Maintenance time windows as admission checks and defaults them; the parsing lives in :mod:`garden.api.timewindow`
(shared with the maintenance controller)."""

from __future__ import annotations

from garden.api.timewindow import MAXIMUM, MINIMUM, default_window, seconds_of_day_utc, window_length

__all__ = ["MAXIMUM", "MINIMUM", "default_window", "seconds_of_day_utc", "window_length"]
