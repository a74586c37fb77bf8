"""Lambda entry points: decorators and routing only; the work happens in `logic`."""
