"""The leakage guard: normalised-text hashes of training and calibration texts against every evaluation task."""
