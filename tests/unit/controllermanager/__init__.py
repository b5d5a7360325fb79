"""unit tests of the garden controller manager."""
