"""Retrieval: dense (Chroma) and BM25 searches fused, filtered and de-duplicated into Passages."""
