"""The application layer: each command as a function, typed settings → run → outcome.

One module per command, matching `cli/` one to one; `cli/` only parses, prints and exits.
"""
