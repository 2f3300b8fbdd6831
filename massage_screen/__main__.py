"""python -m massage_screen"""

from massage_screen.entry import main

main()
