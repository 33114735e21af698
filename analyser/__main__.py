"""python -m analyser: the same as the ksb command."""

from .cli import main

main()
