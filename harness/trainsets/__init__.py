"""Training sets (training/*.yaml): declarations, their loaders and the examples they build."""
