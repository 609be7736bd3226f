"""The wizard's widgets, one per module."""
