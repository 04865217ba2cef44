"""expectations-bot: an honest conversation about social-media growth, in Italian and English."""

__version__ = "0.1.0"
