"""`priceradar bench`: the real stack against a simulated marketplace, measured."""
