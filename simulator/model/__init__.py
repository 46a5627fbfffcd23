"""The model layer: validated scenario, declared distributions, trade network (no SimPy)."""
