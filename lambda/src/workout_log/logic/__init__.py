"""Domain rules, free of HTTP and of storage details."""
