"""Where conversations are kept: SQLite (sqlite-utils) today, behind the core's ports."""
