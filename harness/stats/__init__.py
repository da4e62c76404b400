"""Statistics shared by `harness check` and the report: bootstrap CIs, paired randomization tests, Holm."""
