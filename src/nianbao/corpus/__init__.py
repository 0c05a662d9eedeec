"""Analysis over many reports: history checks, copy detection, roll-ups, indicators, synthetic corpora."""
