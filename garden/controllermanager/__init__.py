"""Garden controllers: projects, quotas, seed lifecycle, maintenance, hibernation, and housekeeping."""
