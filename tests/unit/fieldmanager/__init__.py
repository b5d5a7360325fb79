"""unit tests of managedFields and server-side apply."""
