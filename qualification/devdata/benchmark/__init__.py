"""The benchmark: a synthetic data set of the requested size and timed figures as JSON."""
