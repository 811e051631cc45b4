"""`python -m cli`: the same as the `ketluan` command."""

from cli import main

main()
