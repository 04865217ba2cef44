"""Thin edges between the engine and the world: a terminal, Telegram."""
