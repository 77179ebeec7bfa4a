"""HTTP adapter: the page fetcher and its SSRF guard."""
