"""Data layer: where source files live (mirror, cache, original URL) and loaders into typed records."""
