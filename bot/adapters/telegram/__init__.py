"""The Telegram adapter (python-telegram-bot 22): the only package that imports ``telegram``."""
