"""priceradar: keeps the prices of millions of products fresh with distributed Celery workers."""

__version__ = "0.1.0"
