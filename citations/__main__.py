"""`python -m citations` runs the command line."""

from .cli import main

main()
