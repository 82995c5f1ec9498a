"""Command-line interface (Typer + Rich): thin, calls dbwright.api only."""
