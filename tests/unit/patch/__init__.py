"""unit tests of the patch engines."""
