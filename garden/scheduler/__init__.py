"""The shoot scheduler: a chain of pure filters over seeds, then a placement strategy, bound through
``shoots/binding``.
"""
