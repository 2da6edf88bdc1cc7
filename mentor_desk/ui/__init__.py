"""The window: Qt widgets, Qt models and dialogs."""
