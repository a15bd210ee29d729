from revier.cli import main

main()
