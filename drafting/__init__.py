"""Conclusion and task extraction, and the .docx notice (see issue: drafting)."""
