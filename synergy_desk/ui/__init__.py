"""The Qt window: widgets, item models and dialogs; it calls services and never writes SQL."""
