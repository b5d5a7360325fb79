"""A graph of named tasks with dependencies, run with bounded parallelism; progress is done / all."""
