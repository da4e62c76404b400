"""Result files: summary JSON, per-query sidecar arrays and provenance."""
