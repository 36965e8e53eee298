"""wirebrief: turn a stream of news reports into enriched, grounded intelligence briefs."""

__version__ = "0.1.0"
