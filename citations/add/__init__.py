"""`citations add`: identifiers read, looked up, and written as clean BibTeX entries."""
