"""Running beyond one process: (model, task, seed) jobs as Ray tasks and corpora encoded with Ray Data."""
