"""Content owned by agency staff: YAML dialogs and locale texts, loaded with their positions."""
