"""Helpers every layer may use: staff-facing problems with positions, YAML read with positions."""
