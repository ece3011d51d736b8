from klantreis.cli import main

main()
