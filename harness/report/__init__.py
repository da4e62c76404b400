"""The static leaderboard: result files → aggregates, CIs, significance → HTML pages (leaderboard/)."""
