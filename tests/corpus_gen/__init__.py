"""Generator of the reconstructed part of the extraction corpus (tests/corpus/).

Run `python -m tests.corpus_gen` from the repository root to rewrite the generated pages; the
real-HTML pages saved from public repositories are kept as they are.
"""
