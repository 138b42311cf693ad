"""Answerers: the grounded default (no LLM) and LLM answerers, all of one shape, chosen by name."""
