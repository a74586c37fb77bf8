"""Request and response models, settings and errors."""
