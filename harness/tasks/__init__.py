"""Task declarations (tasks/*.yaml): schema and registry."""
