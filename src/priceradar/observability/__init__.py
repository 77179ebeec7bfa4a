"""Logging and metrics: what operators see of a running priceradar."""
