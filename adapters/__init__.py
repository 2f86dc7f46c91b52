"""Everything that touches the outside: HTTP, command line, settings, logs and metrics."""
