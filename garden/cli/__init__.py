"""Command-line entry points of the garden: ``garden`` (the landscape) and ``gardenctl`` (the user's CLI)."""
