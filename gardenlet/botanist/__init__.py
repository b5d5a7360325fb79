"""The botanist: Shoot -> component values, and the reconcile, delete and hibernate flows as task graphs."""
