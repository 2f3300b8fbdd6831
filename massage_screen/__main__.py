"""python -m massage_screen"""

from massage_screen.cli import main

main()
